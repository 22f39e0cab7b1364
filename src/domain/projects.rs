//! Values of partnership projects: codes, statuses, partner roles, kinds of events and
//! local times of day.

use super::{string_value, text_enum};

string_value!(
    /// The code a project is known by, e.g. `ZMP-EOG-2012` or an EU project number such
    /// as `POWR.02.18.00-00-0089/17`.
    ProjectCode,
    description = "Code of the project, unique: capital ASCII letters and digits in segments joined by single \
                   dots, dashes or slashes (e.g. ZMP-EOG-2012, POWR.02.18.00-00-0089/17)",
    example = "ZMP-EOG-2012",
    pattern = Some(r"^[A-Z0-9]+([./-][A-Z0-9]+)*$"),
    min = Some(2),
    max = Some(40),
    parse = |raw| {
        let valid = raw
            .split(['.', '/', '-'])
            .all(|segment| !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_project_code] a project code is capital letters and digits in segments joined by single dots, dashes or slashes, e.g. ZMP-EOG-2012".to_owned())
        }
    }
);

string_value!(
    /// A local time of day `HH:MM` (24-hour clock, the time at the venue).
    LocalTime,
    description = "Local time of day at the venue (Polish time for events in Poland), HH:MM on the 24-hour clock",
    example = "11:00",
    pattern = Some(r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    min = Some(5),
    max = Some(5),
    parse = |raw| {
        let bytes = raw.as_bytes();
        let digit = |i: usize| bytes.get(i).filter(|b| b.is_ascii_digit()).map(|b| u32::from(b - b'0'));
        let parts = (digit(0), digit(1), bytes.get(2), digit(3), digit(4));
        match parts {
            (Some(h1), Some(h2), Some(b':'), Some(m1), Some(_))
                if bytes.len() == 5 && h1 * 10 + h2 < 24 && m1 < 6 => Ok(raw.to_owned()),
            _ => Err("[invalid_time] a time of day is HH:MM on the 24-hour clock, e.g. 11:00".to_owned()),
        }
    }
);

impl LocalTime {
    /// Minutes since midnight.
    pub fn minutes(&self) -> i64 {
        let number = |range: std::ops::Range<usize>| {
            self.0
                .get(range)
                .and_then(|t| t.parse::<i64>().ok())
                .unwrap_or(0)
        };
        number(0..2) * 60 + number(3..5)
    }
}

text_enum!(
    /// Where a project stands: `planned`, `in_progress`, `completed` (the work is done),
    /// `settled` (the final report is accepted and the accounts closed), `suspended`.
    ProjectStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Completed => "completed",
        Settled => "settled",
        Suspended => "suspended",
    }
);

impl ProjectStatus {
    /// Is the project over (and so has an end date)?
    pub fn is_finished(self) -> bool {
        matches!(self, ProjectStatus::Completed | ProjectStatus::Settled)
    }
}

text_enum!(
    /// The part an organization takes in a project: the `leader` (the lead organization),
    /// a `partner`, or an `associated` organization supporting it without being a partner.
    PartnerRole {
        Leader => "leader",
        Partner => "partner",
        Associated => "associated",
    }
);

text_enum!(
    /// What kind of event of a project it is.
    EventKind {
        Conference => "conference",
        Training => "training",
        Workshop => "workshop",
        StudyVisit => "study_visit",
        Competition => "competition",
        Meeting => "meeting",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_codes() {
        let pattern = regex::Regex::new(r"^[A-Z0-9]+([./-][A-Z0-9]+)*$").unwrap();
        for ok in ["ZMP-EOG-2012", "POWR.02.18.00-00-0089/17", "PL08", "A1"] {
            assert!(ok.parse::<ProjectCode>().is_ok(), "{ok}");
            assert!(pattern.is_match(ok));
        }
        for bad in [
            "zmp-eog", "ZMP--EOG", "-ZMP", "ZMP-", "ZMP EOG", "ŻMP", "A", "ZMP_EOG",
        ] {
            assert!(bad.parse::<ProjectCode>().is_err(), "{bad}");
        }
        assert!("A".repeat(41).parse::<ProjectCode>().is_err());
    }

    #[test]
    fn local_times() {
        let pattern = regex::Regex::new(r"^([01][0-9]|2[0-3]):[0-5][0-9]$").unwrap();
        for hour in 0..30 {
            for minute in [0, 5, 59, 60, 75] {
                let raw = format!("{hour:02}:{minute:02}");
                assert_eq!(
                    raw.parse::<LocalTime>().is_ok(),
                    pattern.is_match(&raw),
                    "{raw}"
                );
            }
        }
        for bad in ["11:00 ", "1:00", "11-00", "11:0", "１1:00", "11:00:00"] {
            assert!(bad.parse::<LocalTime>().is_err(), "{bad}");
        }
        assert_eq!("11:00".parse::<LocalTime>().unwrap().minutes(), 660);
        assert_eq!("23:59".parse::<LocalTime>().unwrap().minutes(), 1439);
    }
}
