//! Polish official identifiers: TERC (TERYT) codes, postal codes, NIP, REGON, KRS.

use super::kinds::{JstKind, Voivodeship};
use super::string_value;

fn digits_only(raw: &str) -> String {
    raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

fn weighted_sum(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

fn to_digits(value: &str) -> Option<Vec<u32>> {
    value.chars().map(|c| c.to_digit(10)).collect()
}

string_value!(
    /// Polish postal code `NN-NNN`.
    PostalCode,
    description = "Polish postal code, NN-NNN",
    example = "40-001",
    pattern = Some(r"^[0-9]{2}-[0-9]{3}$"),
    min = Some(6),
    max = Some(6),
    parse = |raw| {
        let ok = raw.len() == 6
            && raw.char_indices().all(|(i, c)| if i == 2 { c == '-' } else { c.is_ascii_digit() });
        if ok {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_postal_code] a postal code has the form NN-NNN, e.g. 40-001".to_owned())
        }
    }
);

string_value!(
    /// NIP, the tax identification number: 10 digits with a checksum.
    Nip,
    description = "NIP (tax identification number): 10 digits with a valid checksum; dashes and spaces are accepted on input and removed",
    example = "6340197200",
    pattern = Some(r"^[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{2}$|^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{2}[- ]?[0-9]{3}$"),
    min = Some(10),
    max = Some(13),
    parse = |raw| {
        let value = digits_only(raw);
        let digits = to_digits(&value).filter(|d| d.len() == 10).ok_or_else(|| {
            "[invalid_nip] a NIP has 10 digits".to_owned()
        })?;
        let check = weighted_sum(&digits[..9], &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
        if check == 10 || check != digits[9] {
            return Err("[invalid_nip] the NIP checksum does not match".to_owned());
        }
        Ok(value)
    }
);

string_value!(
    /// REGON, the statistical number: 9 or 14 digits with a checksum.
    Regon,
    description = "REGON (statistical number): 9 or 14 digits with a valid checksum",
    example = "276258434",
    pattern = Some(r"^([0-9]{9}|[0-9]{14})$"),
    min = Some(9),
    max = Some(14),
    parse = |raw| {
        let digits = to_digits(raw)
            .filter(|d| d.len() == 9 || d.len() == 14)
            .ok_or_else(|| "[invalid_regon] a REGON has 9 or 14 digits".to_owned())?;
        let weights: &[u32] = if digits.len() == 9 {
            &[8, 9, 2, 3, 4, 5, 6, 7]
        } else {
            &[2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]
        };
        let last = digits.len() - 1;
        let check = weighted_sum(&digits[..last], weights) % 11 % 10;
        // A 14-digit REGON also carries the 9-digit REGON of its parent unit.
        let parent_ok = digits.len() == 9
            || weighted_sum(&digits[..8], &[8, 9, 2, 3, 4, 5, 6, 7]) % 11 % 10 == digits[8];
        if check != digits[last] || !parent_ok {
            return Err("[invalid_regon] the REGON checksum does not match".to_owned());
        }
        Ok(raw.to_owned())
    }
);

string_value!(
    /// KRS, the National Court Register number: 10 digits.
    Krs,
    description = "KRS (National Court Register) number: 10 digits, with leading zeros",
    example = "0000125614",
    pattern = Some(r"^[0-9]{10}$"),
    min = Some(10),
    max = Some(10),
    parse = |raw| {
        if raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(raw.to_owned())
        } else {
            Err("[invalid_krs] a KRS number has exactly 10 digits, e.g. 0000125614".to_owned())
        }
    }
);

string_value!(
    /// TERC code of the TERYT register: `WWPPGGR`.
    Teryt,
    description = "TERC code of the GUS TERYT register, 7 digits WWPPGGR: voivodeship WW (even, 02-32), powiat PP (01-99; 61+ cities with powiat rights), gmina GG and type R (1 urban, 2 rural, 3 urban-rural, 4/5 town/rural part, 8 Warsaw district, 9 delegatura). A powiat is WWPP000, a voivodeship WW00000.",
    example = "2466011",
    pattern = Some(r"^[0-9]{7}$"),
    min = Some(7),
    max = Some(7),
    parse = |raw| {
        let fail = |why: &str| Err(format!("[invalid_teryt] {why}"));
        if raw.len() != 7 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return fail("a TERC code has exactly 7 digits (WWPPGGR)");
        }
        let number = |range: std::ops::Range<usize>| digits(raw, range);
        let (woj, pow, gmi, rodz) = (number(0..2), number(2..4), number(4..6), number(6..7));
        if Voivodeship::from_code(woj).is_none() {
            return fail("the voivodeship code (digits 1-2) must be even, from 02 to 32");
        }
        match (pow, gmi, rodz) {
            (0, 0, 0) => {}
            (0, _, _) => return fail("a voivodeship code ends in 00000"),
            (_, 0, 0) => {}
            (_, 0, _) => return fail("a powiat code ends in 000"),
            (_, _, 0) => return fail("a gmina code needs a type digit (1, 2, 3, 4, 5, 8 or 9)"),
            (_, _, 6 | 7) => return fail("the type digit must be 1, 2, 3, 4, 5, 8 or 9"),
            _ => {}
        }
        Ok(raw.to_owned())
    }
);

/// The number the ASCII digits `raw[range]` spell (a TERC code holds only digits, which
/// its constructor checks first).
fn digits(raw: &str, range: std::ops::Range<usize>) -> u32 {
    raw.as_bytes()[range]
        .iter()
        .fold(0, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// What a TERC code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerytLevel {
    Voivodeship,
    Powiat,
    Gmina,
}

impl Teryt {
    fn part(&self, range: std::ops::Range<usize>) -> u32 {
        digits(&self.0, range)
    }

    pub fn voivodeship(&self) -> Voivodeship {
        // The constructor only admits valid voivodeship codes.
        Voivodeship::from_code(self.part(0..2)).unwrap_or(Voivodeship::Mazowieckie)
    }

    /// Fills in the voivodeship the code lies in when `given` is empty; `Err` with the
    /// message when `given` names another one.
    pub fn settle_voivodeship(&self, given: &mut Option<Voivodeship>) -> Result<(), String> {
        let voivodeship = self.voivodeship();
        match *given {
            None => *given = Some(voivodeship),
            Some(other) if other != voivodeship => {
                return Err(format!(
                    "the TERC code {self} lies in the {voivodeship} voivodeship, not {other}"
                ));
            }
            Some(_) => {}
        }
        Ok(())
    }

    pub fn level(&self) -> TerytLevel {
        match (self.part(2..4), self.part(4..6)) {
            (0, _) => TerytLevel::Voivodeship,
            (_, 0) => TerytLevel::Powiat,
            _ => TerytLevel::Gmina,
        }
    }

    pub fn is_city_with_powiat_rights(&self) -> bool {
        self.part(2..4) >= 61
    }

    /// The kind of local government the code implies, where the code decides it.
    /// `None` for units that are not local governments of their own (town or rural
    /// parts of an urban-rural gmina, Warsaw districts, delegatury).
    pub fn implied_jst_kind(&self) -> Option<JstKind> {
        let city = self.is_city_with_powiat_rights();
        match (self.level(), self.part(6..7)) {
            (TerytLevel::Voivodeship, _) => Some(JstKind::Wojewodztwo),
            (TerytLevel::Powiat, _) if city => Some(JstKind::MiastoNaPrawachPowiatu),
            (TerytLevel::Powiat, _) => Some(JstKind::Powiat),
            (TerytLevel::Gmina, 1) if city => Some(JstKind::MiastoNaPrawachPowiatu),
            (TerytLevel::Gmina, 1) => Some(JstKind::GminaMiejska),
            (TerytLevel::Gmina, 2) => Some(JstKind::GminaWiejska),
            (TerytLevel::Gmina, 3) => Some(JstKind::GminaMiejskoWiejska),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nip_checksum() {
        assert!("6340197200".parse::<Nip>().is_ok());
        assert_eq!(
            "634-019-72-00".parse::<Nip>().map(String::from),
            Ok("6340197200".to_owned())
        );
        assert!("6340197201".parse::<Nip>().is_err());
        assert!("634019720".parse::<Nip>().is_err());
    }

    #[test]
    fn regon_checksum() {
        assert!("276258434".parse::<Regon>().is_ok());
        assert!("276258435".parse::<Regon>().is_err());
        assert!("12345678512347".parse::<Regon>().is_ok());
        assert!("12345678512348".parse::<Regon>().is_err());
    }

    #[test]
    fn teryt_rules() {
        let kind = |code: &str| code.parse::<Teryt>().unwrap().implied_jst_kind();
        assert_eq!(kind("2400000"), Some(JstKind::Wojewodztwo));
        assert_eq!(kind("2401000"), Some(JstKind::Powiat));
        assert_eq!(kind("2469011"), Some(JstKind::MiastoNaPrawachPowiatu));
        assert_eq!(kind("2401012"), Some(JstKind::GminaWiejska));
        assert_eq!(kind("2401014"), None);
        assert!("0100000".parse::<Teryt>().is_err());
        assert!("3400000".parse::<Teryt>().is_err());
        assert!("2401010".parse::<Teryt>().is_err());
        assert!("2401006".parse::<Teryt>().is_err());
        assert!("2400011".parse::<Teryt>().is_err());
        assert!("24010".parse::<Teryt>().is_err());
    }

    #[test]
    fn postal_code() {
        assert!("40-001".parse::<PostalCode>().is_ok());
        assert!("40001".parse::<PostalCode>().is_err());
        assert!("4a-001".parse::<PostalCode>().is_err());
    }
}
