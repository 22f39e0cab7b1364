//! Money: exact amounts in minor units (grosze for PLN, cents for EUR …) with a currency.
//!
//! On the wire an amount is a decimal string with at most two decimal places, never a
//! JSON number (which clients parse as binary floating point): `{"amount": "10500000.00",
//! "currency": "PLN"}`. It is stored as a whole number of minor units (`BigInt`) next to
//! its currency code, and always written back with two decimals. Sums are exact
//! (checked integer arithmetic) and kept per currency; an amount or a sum above
//! [`Money::MAX_MINOR`] is refused with a 422 naming the field, never wrapped around.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text_enum;

text_enum!(
    /// The currencies amounts may be given in (ISO 4217), all with two decimal places:
    /// the złoty, the euro and the currencies of the EEA and Swiss grants' donor states,
    /// the US dollar and the pound sterling.
    Currency {
        Pln => "PLN",
        Eur => "EUR",
        Nok => "NOK",
        Chf => "CHF",
        Usd => "USD",
        Gbp => "GBP",
    }
);

/// What the parser of amounts accepts, exactly: no sign, no leading zeros, no exponent,
/// a dot as the decimal separator, at most 15 integer digits and two decimals.
pub const AMOUNT_PATTERN: &str = r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$";

/// The longest amount: 15 integer digits, the dot and two decimals.
pub const AMOUNT_MAX_CHARS: usize = 18;

/// An exact, non-negative amount of money in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

fn amount_error(code: &str, message: &str) -> String {
    format!("[{code}] {message}")
}

impl Money {
    /// The largest amount in minor units: 999 999 999 999 999.99.
    pub const MAX_MINOR: i64 = 99_999_999_999_999_999;

    /// An amount of `minor` units (grosze, cents …), if within 0..=[`Money::MAX_MINOR`].
    pub fn from_minor(minor: i64, currency: Currency) -> Option<Money> {
        (0..=Self::MAX_MINOR)
            .contains(&minor)
            .then_some(Money { minor, currency })
    }

    pub fn minor_units(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount as a decimal string with two decimals: `10500000.00`.
    pub fn amount(self) -> String {
        format!("{}.{:02}", self.minor / 100, self.minor % 100)
    }

    /// Parses a decimal amount (see [`AMOUNT_PATTERN`]) into minor units.
    pub fn parse_amount(raw: &str) -> Result<i64, String> {
        if raw.starts_with('-') {
            return Err(amount_error(
                "negative_amount",
                "an amount is never negative",
            ));
        }
        if raw.contains(['e', 'E']) {
            return Err(amount_error(
                "invalid_amount",
                "write the amount out in full, without an exponent, e.g. \"10500000.00\"",
            ));
        }
        if raw.contains(',') {
            return Err(amount_error(
                "invalid_amount",
                "the decimal separator is a dot and there are no thousands separators, e.g. \"10500000.50\"",
            ));
        }
        let (integer, fraction) = match raw.split_once('.') {
            Some((integer, fraction)) => (integer, Some(fraction)),
            None => (raw, None),
        };
        let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(integer) || fraction.is_some_and(|f| !all_digits(f)) {
            return Err(amount_error(
                "invalid_amount",
                "an amount is a decimal string of digits with at most two decimals after a dot, e.g. \"10500000.00\"",
            ));
        }
        if integer.len() > 1 && integer.starts_with('0') {
            return Err(amount_error(
                "invalid_amount",
                "an amount has no leading zeros, e.g. \"10.50\" rather than \"010.50\"",
            ));
        }
        if integer.len() > 15 {
            return Err(amount_error(
                "amount_too_large",
                "an amount is at most 999999999999999.99",
            ));
        }
        let fraction = fraction.unwrap_or("");
        if fraction.len() > 2 {
            return Err(amount_error(
                "too_many_decimals",
                "an amount has at most two decimal places (grosze, cents)",
            ));
        }
        // At most 15 digits and 2 decimals: the arithmetic cannot overflow an i64.
        let whole: i64 = integer
            .parse()
            .map_err(|_| amount_error("invalid_amount", "not a decimal amount"))?;
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().unwrap_or(0) * 10,
            _ => fraction.parse::<i64>().unwrap_or(0),
        };
        Ok(whole * 100 + cents)
    }

    /// `self + other` in the same currency, or `None` when the currencies differ or the
    /// sum would exceed [`Money::MAX_MINOR`].
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        self.minor
            .checked_add(other.minor)
            .and_then(|sum| Money::from_minor(sum, self.currency))
    }

    /// Exact sums per currency, ordered by currency code; `Err(currency)` when a sum
    /// would exceed [`Money::MAX_MINOR`].
    pub fn totals(amounts: impl IntoIterator<Item = Money>) -> Result<Vec<Money>, Currency> {
        let mut totals: Vec<Money> = Vec::new();
        for amount in amounts {
            match totals.iter_mut().find(|t| t.currency == amount.currency) {
                Some(total) => *total = total.checked_add(amount).ok_or(amount.currency)?,
                None => totals.push(amount),
            }
        }
        totals.sort_by(|a, b| a.currency.as_str().cmp(b.currency.as_str()));
        Ok(totals)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Money", 2)?;
        out.serialize_field("amount", &self.amount())?;
        out.serialize_field("currency", &self.currency)?;
        out.end()
    }
}

/// An amount as sent: only a JSON string is an amount.
struct Amount(i64);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl serde::de::Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal string such as \"10500000.00\"")
            }

            fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Amount, E> {
                Money::parse_amount(raw).map(Amount).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Amount, E> {
                Err(E::custom(NOT_A_STRING))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Amount, E> {
                Err(E::custom(NOT_A_STRING))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Amount, E> {
                Err(E::custom(NOT_A_STRING))
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

const NOT_A_STRING: &str = "[amount_not_a_string] an amount is a decimal string such as \"10500000.00\", \
                            not a JSON number (numbers lose precision in many clients)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyWire {
    amount: Amount,
    currency: Currency,
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire: MoneyWire = crate::validation::object(deserializer)?;
        Money::from_minor(wire.amount.0, wire.currency).ok_or_else(|| {
            serde::de::Error::custom("[amount_too_large] an amount is at most 999999999999999.99")
        })
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let amount = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Decimal string with at most two decimal places and a dot as the separator; no sign, \
                 exponent, leading zeros or thousands separators; at most 999999999999999.99. Always \
                 answered with two decimals (\"10500000.5\" comes back as \"10500000.50\"). Never a JSON \
                 number.",
            ))
            .pattern(Some(AMOUNT_PATTERN))
            .min_length(Some(1))
            .max_length(Some(AMOUNT_MAX_CHARS))
            .examples([serde_json::json!("10500000.00")]);
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "An exact amount of money, stored in minor units (grosze, cents): `amount` is a decimal \
                 string, `currency` an ISO 4217 code.",
            ))
            .property("amount", amount)
            .property("currency", Currency::schema())
            .required("amount")
            .required("currency")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .examples([serde_json::json!({"amount": "10500000.00", "currency": "PLN"})])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_minor_units() {
        for (raw, minor) in [
            ("0", 0),
            ("0.5", 50),
            ("0.05", 5),
            ("10500000", 1_050_000_000),
            ("10500000.5", 1_050_000_050),
            ("10500000.50", 1_050_000_050),
            ("999999999999999.99", Money::MAX_MINOR),
        ] {
            assert_eq!(Money::parse_amount(raw), Ok(minor), "{raw}");
        }
    }

    #[test]
    fn bad_amounts_are_refused_with_a_code() {
        for (raw, code) in [
            ("-1.00", "negative_amount"),
            ("1e6", "invalid_amount"),
            ("1.5E2", "invalid_amount"),
            ("10,50", "invalid_amount"),
            ("010.50", "invalid_amount"),
            ("00", "invalid_amount"),
            ("1.005", "too_many_decimals"),
            ("1000000000000000", "amount_too_large"),
            ("", "invalid_amount"),
            (".5", "invalid_amount"),
            ("5.", "invalid_amount"),
            ("+5", "invalid_amount"),
            (" 5", "invalid_amount"),
            ("5 ", "invalid_amount"),
            ("１", "invalid_amount"),
            ("NaN", "invalid_amount"),
        ] {
            let error = Money::parse_amount(raw).unwrap_err();
            assert!(error.starts_with(&format!("[{code}]")), "{raw}: {error}");
        }
    }

    /// The parser accepts exactly the strings the schema's pattern matches.
    #[test]
    fn parser_and_pattern_agree() {
        let pattern = regex::Regex::new(AMOUNT_PATTERN).unwrap();
        let alphabet = ['0', '1', '9', '.', '-', 'e', ','];
        let mut candidates = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for prefix in &frontier {
                for c in alphabet {
                    next.push(format!("{prefix}{c}"));
                }
            }
            candidates.extend(next.iter().cloned());
            frontier = next;
        }
        for digits in 13..=18 {
            candidates.push("9".repeat(digits));
            candidates.push(format!("{}.99", "9".repeat(digits)));
            candidates.push(format!("1{}.5", "0".repeat(digits - 1)));
        }
        for raw in candidates {
            assert_eq!(
                Money::parse_amount(&raw).is_ok(),
                pattern.is_match(&raw),
                "{raw:?}"
            );
            if pattern.is_match(&raw) {
                assert!(raw.len() <= AMOUNT_MAX_CHARS);
            }
        }
    }

    #[test]
    fn amounts_are_written_with_two_decimals() {
        let money = |minor| Money::from_minor(minor, Currency::Pln).unwrap();
        assert_eq!(money(1_050_000_050).amount(), "10500000.50");
        assert_eq!(money(5).amount(), "0.05");
        assert_eq!(money(0).amount(), "0.00");
        assert_eq!(
            serde_json::to_value(money(100)).unwrap(),
            serde_json::json!({"amount": "1.00", "currency": "PLN"})
        );
        assert!(Money::from_minor(-1, Currency::Pln).is_none());
        assert!(Money::from_minor(Money::MAX_MINOR + 1, Currency::Pln).is_none());
    }

    #[test]
    fn totals_are_exact_per_currency() {
        let pln = |minor| Money::from_minor(minor, Currency::Pln).unwrap();
        let eur = |minor| Money::from_minor(minor, Currency::Eur).unwrap();
        // 0.10 + 0.20 is exactly 0.30 (a float would not be).
        assert_eq!(
            Money::totals([pln(10), eur(1), pln(20)]).unwrap(),
            vec![eur(1), pln(30)]
        );
        assert_eq!(Money::totals([]).unwrap(), vec![]);
        let max = pln(Money::MAX_MINOR);
        assert_eq!(Money::totals([max, pln(1)]), Err(Currency::Pln));
        assert_eq!(Money::totals([max, eur(1)]).unwrap().len(), 2);
    }

    #[test]
    fn money_deserializes_from_an_object_only() {
        let parse = |json: serde_json::Value| serde_json::from_value::<Money>(json);
        let money = parse(serde_json::json!({"amount": "10500000.5", "currency": "PLN"})).unwrap();
        assert_eq!(money.amount(), "10500000.50");
        assert!(parse(serde_json::json!({"amount": 10500000, "currency": "PLN"})).is_err());
        assert!(parse(serde_json::json!({"amount": "1.00", "currency": "JPY"})).is_err());
        assert!(parse(serde_json::json!({"amount": "1.00"})).is_err());
        assert!(
            parse(serde_json::json!({"amount": "1.00", "currency": "PLN", "extra": 1})).is_err()
        );
        assert!(parse(serde_json::json!(["1.00", "PLN"])).is_err());
    }
}
