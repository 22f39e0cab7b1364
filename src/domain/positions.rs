//! Values of positions (stanowiska): kinds, the lifecycle, numbers `N/YYYY` and
//! legislation register numbers.

use super::{string_value, text_enum};

string_value!(
    /// Number of a draft act in the government legislation register, e.g. `UD383`.
    RegisterNumber,
    description = "Number of the draft in the government legislation register (e.g. UD383 for a draft act, \
                   RD for a regulation): 2-4 capital letters and digits",
    example = "UD383",
    pattern = Some(r"^[A-Z]{2,4}[0-9]+$"),
    min = Some(3),
    max = Some(20),
    parse = |raw| {
        let letters = raw.bytes().take_while(u8::is_ascii_uppercase).count();
        let digits = &raw[letters..];
        let valid = raw.len() <= 20
            && (2..=4).contains(&letters)
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit());
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_register_number] a register number is 2-4 capital letters followed by digits, e.g. UD383".to_owned())
        }
    }
);

string_value!(
    /// Number of a position within its association and year: `7/2024`.
    PositionNumber,
    description = "Number of the position within its association and year of adoption: N/YYYY, e.g. 7/2024",
    example = "7/2024",
    pattern = Some(r"^[1-9][0-9]{0,5}/[0-9]{4}$"),
    min = Some(6),
    max = Some(11),
    parse = |raw| {
        let fail = || Err("[invalid_position_number] a position number has the form N/YYYY, e.g. 7/2024".to_owned());
        let Some((seq, year)) = raw.split_once('/') else {
            return fail();
        };
        let seq_ok = !seq.is_empty()
            && seq.len() <= 6
            && !seq.starts_with('0')
            && seq.bytes().all(|b| b.is_ascii_digit());
        let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        if !seq_ok || !year_ok {
            return fail();
        }
        match year.parse::<i32>() {
            Ok(y) if (1990..=2100).contains(&y) => Ok(raw.to_owned()),
            _ => Err("[invalid_position_number] the year of a position number lies between 1990 and 2100".to_owned()),
        }
    }
);

impl PositionNumber {
    /// The number `seq/year` (both already valid).
    pub fn new(seq: i32, year: i32) -> Option<PositionNumber> {
        format!("{seq}/{year}").parse().ok()
    }

    /// The sequence within the year (`7` of `7/2024`).
    pub fn seq(&self) -> i32 {
        self.0
            .split_once('/')
            .and_then(|(seq, _)| seq.parse().ok())
            .unwrap_or(0)
    }

    /// The year (`2024` of `7/2024`).
    pub fn year(&self) -> i32 {
        self.0
            .split_once('/')
            .and_then(|(_, year)| year.parse().ok())
            .unwrap_or(0)
    }
}

text_enum!(
    /// What kind of document a position is.
    PositionKind {
        Position => "position",
        Appeal => "appeal",
        Intervention => "intervention",
        Opinion => "opinion",
        Resolution => "resolution",
    }
);

text_enum!(
    /// Where a position is in its lifecycle:
    /// `draft → adopted → sent → answered → closed`, and `withdrawn` from `draft`, `adopted` or `sent`.
    PositionStatus {
        Draft => "draft",
        Adopted => "adopted",
        Sent => "sent",
        Answered => "answered",
        Closed => "closed",
        Withdrawn => "withdrawn",
    }
);

impl PositionStatus {
    /// The statuses a position may move to from this one.
    pub fn allowed_next(self) -> &'static [PositionStatus] {
        use PositionStatus::*;
        match self {
            Draft => &[Adopted, Withdrawn],
            Adopted => &[Sent, Withdrawn],
            Sent => &[Answered, Withdrawn],
            Answered => &[Closed],
            Closed | Withdrawn => &[],
        }
    }

    pub fn can_move_to(self, to: PositionStatus) -> bool {
        self.allowed_next().contains(&to)
    }

    /// Has the position been sent to its addressees (co-signing is over)?
    pub fn is_sent(self) -> bool {
        matches!(
            self,
            PositionStatus::Sent | PositionStatus::Answered | PositionStatus::Closed
        )
    }

    /// Is the position adopted (and so needs a title, body and adoption date)?
    pub fn is_adopted(self) -> bool {
        matches!(self, PositionStatus::Adopted) || self.is_sent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_numbers() {
        for ok in ["UD383", "RD12", "UDER1", "UC7"] {
            assert!(ok.parse::<RegisterNumber>().is_ok(), "{ok}");
        }
        for bad in [
            "U383", "UDERX1", "ud383", "UD", "383", "UD38a", "UD 383", "ŻD1",
        ] {
            assert!(bad.parse::<RegisterNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn position_numbers() {
        let number: PositionNumber = "7/2024".parse().unwrap();
        assert_eq!((number.seq(), number.year()), (7, 2024));
        assert_eq!(PositionNumber::new(12, 2015).unwrap().as_str(), "12/2015");
        for bad in [
            "0/2024",
            "07/2024",
            "7/24",
            "7-2024",
            "/2024",
            "7/1989",
            "1234567/2024",
            "7/2024/1",
        ] {
            assert!(bad.parse::<PositionNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn lifecycle() {
        use PositionStatus::*;
        let moves: Vec<(PositionStatus, PositionStatus)> = PositionStatus::ALL
            .iter()
            .flat_map(|from| PositionStatus::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.can_move_to(*to))
            .collect();
        assert_eq!(
            moves,
            vec![
                (Draft, Adopted),
                (Draft, Withdrawn),
                (Adopted, Sent),
                (Adopted, Withdrawn),
                (Sent, Answered),
                (Sent, Withdrawn),
                (Answered, Closed),
            ]
        );
    }
}
