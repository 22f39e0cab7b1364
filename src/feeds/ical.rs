//! iCalendar (RFC 5545), written by hand: a calendar of events is a few properties per
//! event, and the rules that matter (CRLF, folding at 75 octets, text escaping, one
//! VTIMEZONE) fit in this file; the `icalendar` crate would add its builders and a
//! parser for the same lines.

use chrono::{Days, NaiveDate};

/// The zone of every wall-clock time of events: Poland has followed the EU rules since
/// 1996 (summer time from the last Sunday of March, 02:00 → 03:00, to the last Sunday
/// of October, 03:00 → 02:00).
pub const TZID: &str = "Europe/Warsaw";

const VTIMEZONE: [&str; 16] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Warsaw",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19960331T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
];

/// One event: days and wall-clock times at the venue (`HH:MM`), as events store them.
#[derive(Debug, Clone)]
pub struct Event {
    /// `event-<id>@<domain>`.
    pub uid: String,
    /// When the event last changed (UTC), for `DTSTAMP` and `LAST-MODIFIED`.
    pub stamp: chrono::DateTime<chrono::Utc>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: String,
    pub category: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub starts_at: Option<(u32, u32)>,
    pub ends_at: Option<(u32, u32)>,
}

pub struct Calendar {
    pub name: String,
    pub events: Vec<Event>,
}

/// The calendar as `text/calendar`: CRLF line ends, long lines folded.
pub fn render(calendar: &Calendar) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Razem//Razem API//PL".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(&calendar.name)),
        format!("X-WR-TIMEZONE:{TZID}"),
    ];
    lines.extend(VTIMEZONE.iter().map(|line| (*line).to_owned()));
    lines.push("END:VTIMEZONE".into());
    for event in &calendar.events {
        event_lines(event, &mut lines);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

fn event_lines(event: &Event, lines: &mut Vec<String>) {
    let utc = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let local = |d: NaiveDate, (h, m): (u32, u32)| format!("{}T{h:02}{m:02}00", day(d));
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", text(&event.uid)));
    lines.push(format!("DTSTAMP:{}", utc(&event.stamp)));
    lines.push(format!("CREATED:{}", utc(&event.created)));
    lines.push(format!("LAST-MODIFIED:{}", utc(&event.stamp)));
    let last_day = event
        .ends_on
        .unwrap_or(event.starts_on)
        .max(event.starts_on);
    match event.starts_at {
        Some(start) => {
            lines.push(format!(
                "DTSTART;TZID={TZID}:{}",
                local(event.starts_on, start)
            ));
            // The end as the same kind of value; none when unknown (the event then
            // ends when it starts, RFC 5545 3.6.1) or not after the start.
            let end = match (event.ends_at, event.ends_on) {
                (Some(end), _) => Some((last_day, end)),
                (None, Some(_)) if last_day > event.starts_on => {
                    last_day.checked_add_days(Days::new(1)).map(|d| (d, (0, 0)))
                }
                _ => None,
            };
            if let Some((end_day, end_time)) = end
                && (end_day, end_time) > (event.starts_on, start)
            {
                lines.push(format!("DTEND;TZID={TZID}:{}", local(end_day, end_time)));
            }
        }
        None => {
            lines.push(format!("DTSTART;VALUE=DATE:{}", day(event.starts_on)));
            // All-day: DTEND is the day after the last (exclusive).
            if let Some(after) = last_day.checked_add_days(Days::new(1)) {
                lines.push(format!("DTEND;VALUE=DATE:{}", day(after)));
            }
        }
    }
    lines.push(format!("SUMMARY:{}", text(&event.summary)));
    if let Some(location) = &event.location {
        lines.push(format!("LOCATION:{}", text(location)));
    }
    if let Some(description) = &event.description {
        lines.push(format!("DESCRIPTION:{}", text(description)));
    }
    if let Some(category) = &event.category {
        lines.push(format!("CATEGORIES:{}", text(category)));
    }
    lines.push(format!("URL:{}", event.url));
    lines.push("END:VEVENT".into());
}

/// A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks
/// as `\n`, other control characters left out (no content line may hold them).
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (RFC 5545 3.1): CRLF and one space
/// before each continuation, never inside a UTF-8 sequence.
pub fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        // A continuation line starts with the space, so it holds 74 octets of the line.
        if used + width > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::{fold, text};

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            text("Opole; sala 1, piętro 2\\3\r\nwejście B\u{7}"),
            "Opole\\; sala 1\\, piętro 2\\\\3\\nwejście B"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "ż".repeat(60));
        let mut out = String::new();
        fold(&line, &mut out);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 1);
        for (i, part) in physical.iter().enumerate() {
            assert!(part.len() <= 75, "{part:?} is {} octets", part.len());
            assert_eq!(i > 0, part.starts_with(' '));
        }
        let unfolded: String = physical
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 0 { *p } else { &p[1..] })
            .collect();
        assert_eq!(unfolded, line);
    }
}
