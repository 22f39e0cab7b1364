//! Reading the TERC CSV: encoding, columns, and what each row means.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::domain::{JstKind, Teryt, TerytLevel};

/// A malformed file or a failed import; names the line when one is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based line of the file.
    pub line: Option<u64>,
    pub message: String,
}

impl ImportError {
    fn at(line: u64, message: impl Into<String>) -> Self {
        ImportError {
            line: Some(line),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One local government of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct TercUnit {
    pub teryt: Teryt,
    pub jst_kind: JstKind,
    pub name: String,
    /// Kind, parent powiat and voivodeship, code.
    pub description: String,
    /// The line it came from.
    pub line: u64,
}

/// The file as text: UTF-8 (with or without a byte-order mark), else Windows-1250,
/// the register's older encoding. Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1250.decode_without_bom_handling(bytes);
            (text, "Windows-1250")
        }
    }
}

const COLUMNS: [&str; 6] = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD"];

/// A row read from the file, before it is interpreted.
struct Row {
    line: u64,
    teryt: Teryt,
    name: String,
}

fn digits(value: &str, width: usize, column: &str, line: u64) -> Result<(), ImportError> {
    if value.len() == width && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ImportError::at(
            line,
            format!("{column} must be {width} digit(s), not '{value}'"),
        ))
    }
}

fn read_row(record: &csv::StringRecord, index: &[usize; 6], line: u64) -> Result<Row, ImportError> {
    let field = |i: usize| record.get(index[i]).unwrap_or_default().trim();
    let (woj, pow, gmi, rodz, name) = (field(0), field(1), field(2), field(3), field(4));
    digits(woj, 2, "WOJ", line)?;
    let code = match (pow.is_empty(), gmi.is_empty(), rodz.is_empty()) {
        (true, true, true) => format!("{woj}00000"),
        (false, true, true) => {
            digits(pow, 2, "POW", line)?;
            format!("{woj}{pow}000")
        }
        (false, false, false) => {
            digits(pow, 2, "POW", line)?;
            digits(gmi, 2, "GMI", line)?;
            digits(rodz, 1, "RODZ", line)?;
            format!("{woj}{pow}{gmi}{rodz}")
        }
        _ => {
            return Err(ImportError::at(
                line,
                "a row names a voivodeship (WOJ only), a powiat (WOJ, POW) or a gmina (WOJ, POW, GMI and RODZ)",
            ));
        }
    };
    let teryt: Teryt = code.parse().map_err(|e: String| {
        let message = e.split_once("] ").map(|(_, m)| m).unwrap_or(&e).to_owned();
        ImportError::at(line, format!("{code} is not a valid TERC code: {message}"))
    })?;
    if name.is_empty() {
        return Err(ImportError::at(line, "NAZWA is empty"));
    }
    Ok(Row {
        line,
        teryt,
        name: name.to_owned(),
    })
}

/// Reads every row; the first malformed one fails the whole file.
/// Returns the local governments and how many rows were skipped.
pub fn parse_terc(text: &str) -> Result<(Vec<TercUnit>, usize), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::at(1, format!("the header cannot be read: {e}")))?
        .clone();
    let mut index = [0usize; 6];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(column))
            .ok_or_else(|| {
                ImportError::at(
                    1,
                    format!(
                        "the header has no column {column}; a TERC file starts with \
                         WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"
                    ),
                )
            })?;
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("the row has {len} fields; the header has {expected_len}"),
                _ => format!("the row cannot be read: {e}"),
            };
            ImportError::at(line, message)
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let row = read_row(&record, &index, line)?;
        if let Some(first) = seen.insert(row.teryt.to_string(), line) {
            return Err(ImportError::at(
                line,
                format!(
                    "the TERC code {} already appeared on line {first}",
                    row.teryt
                ),
            ));
        }
        rows.push(row);
    }
    let powiat_names: HashMap<String, String> = rows
        .iter()
        .filter(|r| r.teryt.level() == TerytLevel::Powiat)
        .map(|r| (r.teryt.as_str()[..4].to_owned(), r.name.clone()))
        .collect();
    let mut units = Vec::new();
    let mut skipped = 0;
    for row in rows {
        match interpret(&row, &powiat_names) {
            Some(unit) => units.push(unit),
            None => skipped += 1,
        }
    }
    Ok((units, skipped))
}

/// The local government a row names, if it names one of its own.
fn interpret(row: &Row, powiat_names: &HashMap<String, String>) -> Option<TercUnit> {
    let teryt = &row.teryt;
    let voivodeship = teryt.voivodeship();
    let code = teryt.as_str();
    let city = teryt.is_city_with_powiat_rights();
    let (jst_kind, name, description) = match teryt.level() {
        TerytLevel::Voivodeship => (
            JstKind::Wojewodztwo,
            format!("Województwo {voivodeship}"),
            format!("Samorząd województwa {voivodeship} (TERC {code})."),
        ),
        TerytLevel::Powiat if city => return None,
        TerytLevel::Powiat => (
            JstKind::Powiat,
            format!("Powiat {}", row.name),
            format!("Powiat ziemski, województwo {voivodeship} (TERC {code})."),
        ),
        TerytLevel::Gmina => {
            let kind = teryt.implied_jst_kind()?;
            let name = match (kind, city) {
                (JstKind::MiastoNaPrawachPowiatu, _) => row.name.clone(),
                (JstKind::GminaMiejska, _) => format!("Gmina Miejska {}", row.name),
                _ => format!("Gmina {}", row.name),
            };
            let what = match kind {
                JstKind::MiastoNaPrawachPowiatu => "Miasto na prawach powiatu",
                JstKind::GminaMiejska => "Gmina miejska",
                JstKind::GminaWiejska => "Gmina wiejska",
                _ => "Gmina miejsko-wiejska",
            };
            let powiat = match powiat_names.get(&code[..4]) {
                Some(powiat) if !city => format!(", powiat {powiat}"),
                _ => String::new(),
            };
            (
                kind,
                name,
                format!("{what}{powiat}, województwo {voivodeship} (TERC {code})."),
            )
        }
    };
    Some(TercUnit {
        teryt: teryt.clone(),
        jst_kind,
        name,
        description,
        line: row.line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1250_is_decoded() {
        // "Świerklaniec" in Windows-1250: Ś is 0x8C.
        let bytes = b"\x8Cwierklaniec";
        assert_eq!(
            decode(bytes),
            (Cow::Borrowed("Świerklaniec"), "Windows-1250")
        );
        assert_eq!(decode("\u{feff}Ślą".as_bytes()).0, "Ślą");
    }

    #[test]
    fn rows_become_local_governments() {
        let text = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n\
                    24;;;;ŚLĄSKIE;województwo;2024-01-01\n\
                    24;13;;;tarnogórski;powiat;2024-01-01\n\
                    24;13;07;2;Świerklaniec;gmina wiejska;2024-01-01\n\
                    24;69;;;Katowice;miasto na prawach powiatu;2024-01-01\n\
                    24;69;01;1;Katowice;gmina miejska;2024-01-01\n";
        let (units, skipped) = parse_terc(text).unwrap();
        assert_eq!(skipped, 1);
        let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Województwo śląskie",
                "Powiat tarnogórski",
                "Gmina Świerklaniec",
                "Katowice"
            ]
        );
        assert_eq!(
            units[2].description,
            "Gmina wiejska, powiat tarnogórski, województwo śląskie (TERC 2413072)."
        );
        assert_eq!(units[3].jst_kind, JstKind::MiastoNaPrawachPowiatu);
    }
}
