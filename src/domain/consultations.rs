//! Values of consultations (konsultacje): directions, subjects, forms, eligibility, the
//! lifecycle whose middle part follows the clock, comment channels and dispositions.

use chrono::NaiveDateTime;

use super::text_enum;

text_enum!(
    /// Who consults whom: `outbound` — a local government or association consults its own
    /// draft; `inbound` — a government body consults a draft law with local governments.
    ConsultationDirection {
        Outbound => "outbound",
        Inbound => "inbound",
    }
);

text_enum!(
    /// What is consulted.
    SubjectKind {
        DraftAct => "draft_act",
        Strategy => "strategy",
        Programme => "programme",
        Regulation => "regulation",
        Other => "other",
    }
);

text_enum!(
    /// How comments are gathered.
    ConsultationForm {
        Online => "online",
        Written => "written",
        Meeting => "meeting",
        Survey => "survey",
        DiscussionGroup => "discussion_group",
    }
);

text_enum!(
    /// Who may comment: anyone, the members of the organizing association, or the
    /// invited organizations only.
    Eligibility {
        Public => "public",
        Members => "members",
        Invited => "invited",
    }
);

text_enum!(
    /// Where a consultation is in its lifecycle:
    /// `draft → announced → open → closed → report_published`, and `cancelled` from
    /// `draft`, `announced` or `open`. `open` and `closed` follow the clock once announced.
    ConsultationStatus {
        Draft => "draft",
        Announced => "announced",
        Open => "open",
        Closed => "closed",
        ReportPublished => "report_published",
        Cancelled => "cancelled",
    }
);

impl ConsultationStatus {
    /// The status as the API reports it: the stored one, except that an announced
    /// consultation is `open` from `opens_at` and `closed` from `closes_at`.
    pub fn at(
        stored: ConsultationStatus,
        opens_at: NaiveDateTime,
        closes_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> ConsultationStatus {
        match stored {
            ConsultationStatus::Announced
            | ConsultationStatus::Open
            | ConsultationStatus::Closed => {
                if now >= closes_at {
                    ConsultationStatus::Closed
                } else if now >= opens_at {
                    ConsultationStatus::Open
                } else {
                    ConsultationStatus::Announced
                }
            }
            other => other,
        }
    }

    /// The moves `POST /consultations/{id}/transitions` makes from this (computed)
    /// status. `open` and `closed` are never asked for: they follow the clock.
    pub fn allowed_next(self) -> &'static [ConsultationStatus] {
        use ConsultationStatus::*;
        match self {
            Draft => &[Announced, Cancelled],
            Announced | Open => &[Cancelled],
            Closed => &[ReportPublished],
            ReportPublished | Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: ConsultationStatus) -> bool {
        self.allowed_next().contains(&to)
    }

    /// Is the consultation over for good (nothing changes any more)?
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ConsultationStatus::ReportPublished | ConsultationStatus::Cancelled
        )
    }
}

text_enum!(
    /// How a comment reached the organizer: through the API (by the submitter), or by
    /// e-mail, letter or at a meeting (recorded by the organizer).
    CommentChannel {
        Api => "api",
        Email => "email",
        Letter => "letter",
        Meeting => "meeting",
    }
);

text_enum!(
    /// The organizer's decision on a comment.
    DispositionStatus {
        Pending => "pending",
        Accepted => "accepted",
        PartiallyAccepted => "partially_accepted",
        Rejected => "rejected",
        Explained => "explained",
        OutOfScope => "out_of_scope",
    }
);

impl DispositionStatus {
    /// The label of the standard comment table (column "Stanowisko").
    pub fn label_pl(self) -> &'static str {
        match self {
            DispositionStatus::Pending => "oczekuje",
            DispositionStatus::Accepted => "uwzględniona",
            DispositionStatus::PartiallyAccepted => "częściowo uwzględniona",
            DispositionStatus::Rejected => "nieuwzględniona",
            DispositionStatus::Explained => "wyjaśniona",
            DispositionStatus::OutOfScope => "poza zakresem",
        }
    }

    /// Every decision but `accepted` gives its reasons.
    pub fn needs_response(self) -> bool {
        !matches!(
            self,
            DispositionStatus::Accepted | DispositionStatus::Pending
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 10, day)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn the_clock_opens_and_closes_announced_consultations() {
        use ConsultationStatus::*;
        let (opens, closes) = (at(10), at(20));
        for (day, expected) in [(9, Announced), (10, Open), (19, Open), (20, Closed)] {
            assert_eq!(
                ConsultationStatus::at(Announced, opens, closes, at(day)),
                expected,
                "day {day}"
            );
        }
        for stored in [Draft, ReportPublished, Cancelled] {
            assert_eq!(
                ConsultationStatus::at(stored, opens, closes, at(15)),
                stored
            );
        }
    }

    #[test]
    fn lifecycle() {
        use ConsultationStatus::*;
        let moves: Vec<(ConsultationStatus, ConsultationStatus)> = ConsultationStatus::ALL
            .iter()
            .flat_map(|from| ConsultationStatus::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.can_move_to(*to))
            .collect();
        assert_eq!(
            moves,
            vec![
                (Draft, Announced),
                (Draft, Cancelled),
                (Announced, Cancelled),
                (Open, Cancelled),
                (Closed, ReportPublished),
            ]
        );
    }

    #[test]
    fn dispositions() {
        assert_eq!(
            DispositionStatus::PartiallyAccepted.label_pl(),
            "częściowo uwzględniona"
        );
        assert!(!DispositionStatus::Accepted.needs_response());
        assert!(DispositionStatus::Rejected.needs_response());
    }
}
