//! The local index of cooperation quality, computed from the answers: pure arithmetic,
//! in Rust (never in SQL), so both databases give the same numbers.
//!
//! Per area and group, the mean of the non-null scores of the group's answers to the
//! area's indicators; the area's `score` is the mean of the two group means (each group
//! counts the same whatever its size), or the one group's mean when the other has no
//! answers; `gap` is `score_jst − score_ngo`. A plane's score is the mean of its assessed
//! areas, the `index` the mean of the assessed planes. A group with fewer responses
//! than `min_group_size` is left out of the group columns (and so of `gap`) but still
//! counts in `score`. Everything is kept unrounded until the very end; then each number
//! is rounded to two decimals, halves away from zero.

use std::collections::HashMap;

use super::model::RespondentGroup;

/// An assessed area: its code, its plane and the codes of its indicators.
#[derive(Debug, Clone)]
pub struct AreaSpec {
    pub code: String,
    pub plane: String,
    pub indicators: Vec<String>,
}

/// One response: its group and its answers (`None`: don't know).
#[derive(Debug, Clone)]
pub struct ResponseData {
    pub group: RespondentGroup,
    pub answers: Vec<(String, Option<i32>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AreaResult {
    pub code: String,
    pub score_jst: Option<f64>,
    pub score_ngo: Option<f64>,
    pub score: Option<f64>,
    pub gap: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlaneResult {
    pub code: String,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub areas: Vec<AreaResult>,
    pub planes: Vec<PlaneResult>,
    pub index: Option<f64>,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub responses_jst: i64,
    pub responses_ngo: i64,
}

/// Two decimals, halves away from zero. Scores are means of whole numbers 0–5 over at
/// most some thousands of answers: the floating-point error of the unrounded value is
/// below 1e-12, far less than the distance of any such mean from a rounding half that
/// it does not sit on, so the 1e-9 nudge makes a half that f64 holds as 2.67499…
/// round up as the exact arithmetic would, and changes nothing else.
pub fn round2(value: f64) -> f64 {
    let scaled = (value.abs() * 100.0 + 1e-9).round() / 100.0;
    if value < 0.0 { -scaled } else { scaled }
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values
        .into_iter()
        .fold((0.0, 0_u32), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / f64::from(count))
}

/// Means that differ by less than this are the same score (ties for strengths and
/// weaknesses are decided on the unrounded values).
const SAME: f64 = 1e-9;

/// The results of an assessment over `areas` (in catalogue order).
pub fn compute(areas: &[AreaSpec], responses: &[ResponseData], min_group_size: i64) -> Computed {
    let count = |group| responses.iter().filter(|r| r.group == group).count() as i64;
    let (responses_jst, responses_ngo) = (count(RespondentGroup::Jst), count(RespondentGroup::Ngo));
    // A group with some responses, but fewer than the minimum, is hidden.
    let hidden = |n: i64| n > 0 && n < min_group_size;
    let (hide_jst, hide_ngo) = (hidden(responses_jst), hidden(responses_ngo));
    // (sum, count) of the non-null scores per (area, group): sums of whole numbers are
    // exact, so the order the database returned the answers in does not matter.
    let area_of: HashMap<&str, usize> = areas
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.indicators.iter().map(move |c| (c.as_str(), i)))
        .collect();
    let mut sums = vec![[(0_i64, 0_i64); 2]; areas.len()];
    for response in responses {
        let g = usize::from(response.group == RespondentGroup::Ngo);
        for (code, score) in &response.answers {
            if let (Some(score), Some(&i)) = (score, area_of.get(code.as_str())) {
                sums[i][g].0 += i64::from(*score);
                sums[i][g].1 += 1;
            }
        }
    }
    let group_mean = |(sum, n): (i64, i64)| (n > 0).then(|| sum as f64 / n as f64);
    let unrounded: Vec<(Option<f64>, Option<f64>, Option<f64>)> = sums
        .iter()
        .map(|[jst, ngo]| {
            let (jst, ngo) = (group_mean(*jst), group_mean(*ngo));
            (jst, ngo, mean(jst.into_iter().chain(ngo)))
        })
        .collect();
    let mut plane_codes: Vec<&str> = Vec::new();
    for area in areas {
        if !plane_codes.contains(&area.plane.as_str()) {
            plane_codes.push(&area.plane);
        }
    }
    let plane_scores: Vec<(String, Option<f64>)> = plane_codes
        .iter()
        .map(|plane| {
            let score = mean(
                areas
                    .iter()
                    .zip(&unrounded)
                    .filter(|(a, _)| a.plane == *plane)
                    .filter_map(|(_, (_, _, score))| *score),
            );
            ((*plane).to_owned(), score)
        })
        .collect();
    let index = mean(plane_scores.iter().filter_map(|(_, s)| *s));
    let scored: Vec<(&str, f64)> = areas
        .iter()
        .zip(&unrounded)
        .filter_map(|(a, (_, _, s))| s.map(|s| (a.code.as_str(), s)))
        .collect();
    let pick = |target: Option<f64>| -> Vec<String> {
        target.map_or_else(Vec::new, |t| {
            scored
                .iter()
                .filter(|(_, s)| (s - t).abs() < SAME)
                .map(|(c, _)| (*c).to_owned())
                .collect()
        })
    };
    let highest = scored.iter().map(|(_, s)| *s).reduce(f64::max);
    let lowest = scored.iter().map(|(_, s)| *s).reduce(f64::min);
    Computed {
        areas: areas
            .iter()
            .zip(&unrounded)
            .map(|(area, (jst, ngo, score))| {
                let jst = jst.filter(|_| !hide_jst);
                let ngo = ngo.filter(|_| !hide_ngo);
                AreaResult {
                    code: area.code.clone(),
                    gap: jst.zip(ngo).map(|(j, n)| round2(j - n)),
                    score_jst: jst.map(round2),
                    score_ngo: ngo.map(round2),
                    score: score.map(round2),
                    suppressed: hide_jst || hide_ngo,
                }
            })
            .collect(),
        planes: plane_scores
            .into_iter()
            .map(|(code, score)| PlaneResult {
                code,
                score: score.map(round2),
            })
            .collect(),
        index: index.map(round2),
        strengths: pick(highest),
        weaknesses: pick(lowest),
        responses_jst,
        responses_ngo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RespondentGroup::{Jst, Ngo};

    fn area(code: &str, plane: &str, indicators: &[&str]) -> AreaSpec {
        AreaSpec {
            code: code.into(),
            plane: plane.into(),
            indicators: indicators.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn response(group: RespondentGroup, answers: &[(&str, Option<i32>)]) -> ResponseData {
        ResponseData {
            group,
            answers: answers.iter().map(|(c, s)| ((*c).to_owned(), *s)).collect(),
        }
    }

    /// Three areas on two planes, three JST staff and two NGOs, `min_group_size` 2.
    ///
    /// Answers (I.1: indicators I.1.1, I.1.2; I.2: I.2.1; II.1: II.1.1):
    ///
    /// | response | I.1.1 | I.1.2 | I.2.1 | II.1.1 |
    /// |----------|-------|-------|-------|--------|
    /// | jst A    | 4     | 5     | 3     | 2      |
    /// | jst B    | 3     | null  | 4     | 2      |
    /// | jst C    | 5     | 4     | null  | 3      |
    /// | ngo D    | 2     | 3     | 1     | 4      |
    /// | ngo E    | null  | 2     | 2     | null   |
    ///
    /// By hand:
    /// - I.1: jst (4+5+3+5+4)/5 = 21/5 = 4.2; ngo (2+3+2)/3 = 7/3 = 2.333…;
    ///   score (4.2 + 2.333…)/2 = 6.533…/2 = 3.2666… → 3.27; gap 4.2 − 2.333… = 1.8666… → 1.87.
    /// - I.2: jst (3+4)/2 = 3.5; ngo (1+2)/2 = 1.5; score 2.5; gap 2.0.
    /// - II.1: jst (2+2+3)/3 = 7/3 = 2.333…; ngo 4/1 = 4; score (2.333… + 4)/2 = 3.1666… → 3.17;
    ///   gap −1.6666… → −1.67.
    /// - plane I: (3.2666… + 2.5)/2 = 2.8833… → 2.88 (not (3.27 + 2.5)/2 = 2.885 → 2.89:
    ///   rounding happens at the end only); plane II: 3.1666… → 3.17.
    /// - index: (2.8833… + 3.1666…)/2 = 6.05/2 = 3.025 → 3.03 (the exact half rounds up).
    /// - strengths: I.1 (3.2666…, the highest); weaknesses: I.2 (2.5).
    #[test]
    fn the_index_of_a_hand_computed_example() {
        let areas = [
            area("I.1", "I", &["I.1.1", "I.1.2"]),
            area("I.2", "I", &["I.2.1"]),
            area("II.1", "II", &["II.1.1"]),
        ];
        let responses = [
            response(
                Jst,
                &[
                    ("I.1.1", Some(4)),
                    ("I.1.2", Some(5)),
                    ("I.2.1", Some(3)),
                    ("II.1.1", Some(2)),
                ],
            ),
            response(
                Jst,
                &[
                    ("I.1.1", Some(3)),
                    ("I.1.2", None),
                    ("I.2.1", Some(4)),
                    ("II.1.1", Some(2)),
                ],
            ),
            response(
                Jst,
                &[
                    ("I.1.1", Some(5)),
                    ("I.1.2", Some(4)),
                    ("I.2.1", None),
                    ("II.1.1", Some(3)),
                ],
            ),
            response(
                Ngo,
                &[
                    ("I.1.1", Some(2)),
                    ("I.1.2", Some(3)),
                    ("I.2.1", Some(1)),
                    ("II.1.1", Some(4)),
                ],
            ),
            response(
                Ngo,
                &[
                    ("I.1.1", None),
                    ("I.1.2", Some(2)),
                    ("I.2.1", Some(2)),
                    ("II.1.1", None),
                ],
            ),
        ];
        let got = compute(&areas, &responses, 2);
        let row = |code: &str, jst, ngo, score, gap| AreaResult {
            code: code.into(),
            score_jst: Some(jst),
            score_ngo: Some(ngo),
            score: Some(score),
            gap: Some(gap),
            suppressed: false,
        };
        assert_eq!(
            got.areas,
            vec![
                row("I.1", 4.2, 2.33, 3.27, 1.87),
                row("I.2", 3.5, 1.5, 2.5, 2.0),
                row("II.1", 2.33, 4.0, 3.17, -1.67),
            ]
        );
        assert_eq!(
            got.planes,
            vec![
                PlaneResult {
                    code: "I".into(),
                    score: Some(2.88)
                },
                PlaneResult {
                    code: "II".into(),
                    score: Some(3.17)
                },
            ]
        );
        assert_eq!(got.index, Some(3.03));
        assert_eq!(got.strengths, vec!["I.1".to_owned()]);
        assert_eq!(got.weaknesses, vec!["I.2".to_owned()]);
        assert_eq!((got.responses_jst, got.responses_ngo), (3, 2));
    }

    /// The same answers with `min_group_size` 3: the two NGO responses are too few to be
    /// shown, so their column (and the gap) is null and flagged, but the scores are the
    /// same as above: the hidden group still counts.
    #[test]
    fn a_small_group_is_hidden_but_counted() {
        let areas = [area("I.1", "I", &["I.1.1"])];
        let responses = [
            response(Jst, &[("I.1.1", Some(4))]),
            response(Jst, &[("I.1.1", Some(5))]),
            response(Jst, &[("I.1.1", Some(3))]),
            response(Ngo, &[("I.1.1", Some(1))]),
            response(Ngo, &[("I.1.1", Some(2))]),
        ];
        let got = compute(&areas, &responses, 3);
        // jst 12/3 = 4, ngo 3/2 = 1.5, score (4 + 1.5)/2 = 2.75.
        assert_eq!(
            got.areas,
            vec![AreaResult {
                code: "I.1".into(),
                score_jst: Some(4.0),
                score_ngo: None,
                score: Some(2.75),
                gap: None,
                suppressed: true,
            }]
        );
        assert_eq!(got.index, Some(2.75));
    }

    /// One group without answers: the area's score is the other group's mean; an area
    /// nobody could judge (all "don't know") has no score and stays out of the means.
    #[test]
    fn one_group_alone_and_no_answers_at_all() {
        let areas = [
            area("III.1", "III", &["III.1.1"]),
            area("III.2", "III", &["III.2.1"]),
        ];
        let responses = [
            response(Jst, &[("III.1.1", Some(2)), ("III.2.1", None)]),
            response(Jst, &[("III.1.1", Some(3)), ("III.2.1", None)]),
        ];
        let got = compute(&areas, &responses, 1);
        assert_eq!(got.areas[0].score, Some(2.5));
        assert_eq!(got.areas[0].score_ngo, None);
        assert_eq!(got.areas[0].gap, None);
        assert_eq!(got.areas[1].score, None);
        assert_eq!(got.planes[0].score, Some(2.5));
        assert_eq!(got.index, Some(2.5));
        assert_eq!(got.strengths, vec!["III.1".to_owned()]);
        assert_eq!(got.weaknesses, vec!["III.1".to_owned()]);
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(round2(107.0 / 40.0), 2.68); // 2.675, held by f64 as 2.67499…
        assert_eq!(round2(3.025), 3.03);
        assert_eq!(round2(-1.0 / 6.0 * 10.0), -1.67);
        assert_eq!(round2(2.0 / 3.0), 0.67);
        assert_eq!(round2(0.0), 0.0);
    }
}
