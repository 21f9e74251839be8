//! `Edm.DateTimeOffset`, `Edm.TimeOfDay` and `Edm.Duration`: values that keep
//! the text they were read from, so reading and writing a body changes none
//! of its bytes, and give a `chrono` value to compute with.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike as _,
    Utc,
};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// `Edm.DateTimeOffset`: an instant with the UTC offset it was written with,
/// e.g. `2017-01-01T00:02:43.5775965-08:00`.
///
/// # Text
///
/// A value read from JSON or parsed with [`FromStr`] keeps its text and is
/// written back byte for byte: `2017-01-01T00:02:43.5775965-08:00` stays
/// that (chrono alone would write `…43.577596500-08:00`). The accepted text
/// is RFC 3339 / the OData ABNF `dateTimeOffsetValue`:
/// `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or `±hh:mm`, where
///
/// - the year has four digits (or more, without a leading zero; a leading
///   `-` for years before year 0), within chrono's range;
/// - `T` and `Z` may also be lower case;
/// - the seconds may be left out (they are then 0) and may be `60` (a leap
///   second);
/// - the fraction has one or more digits; [`value`](Self::value) keeps the
///   first nine (nanoseconds) and drops the rest, the text keeps them all;
/// - the offset's hours are `00`–`23` and its minutes `00`–`59`.
///
/// Anything else is an error ([`ParseError`] from `FromStr`, a serde error
/// when deserializing), never a panic.
///
/// A value built in Rust (`From<chrono::DateTime<Tz>>` for any time zone,
/// [`now`](Self::now)) is written in the form Graph documents:
///
/// - `YYYY-MM-DDThh:mm:ss`, seconds always written;
/// - then the fraction of a second only when it is not zero, as `.` and the
///   nanoseconds with trailing zeros removed (1 to 9 digits: `.5`,
///   `.1234567`, `.000000001`);
/// - then `Z` for a zero offset, else `+hh:mm` or `-hh:mm`. An offset with a
///   seconds part (which RFC 3339 cannot write) is replaced by UTC (`Z`);
///   the instant is unchanged.
///
/// ```
/// use graph_intune::edm::DateTimeOffset;
///
/// let read: DateTimeOffset =
///     serde_json::from_str(r#""2017-01-01T00:02:43.5775965-08:00""#).unwrap();
/// assert_eq!(
///     serde_json::to_string(&read).unwrap(),
///     r#""2017-01-01T00:02:43.5775965-08:00""#
/// );
/// assert_eq!(read.value().timestamp(), 1_483_257_763);
///
/// let built = DateTimeOffset::from(
///     chrono::DateTime::parse_from_rfc3339("2024-08-01T10:00:00.500+00:00").unwrap(),
/// );
/// assert_eq!(built.as_str(), "2024-08-01T10:00:00.5Z");
/// ```
///
/// # Equality and order
///
/// Two values are equal when their texts are equal, which is when they are
/// the same instant written the same way: `2024-08-01T10:00:00Z`,
/// `2024-08-01T10:00:00.0000000Z` and `2024-08-01T12:00:00+02:00` are three
/// different values (they would serialize differently). `Hash` agrees with
/// this. To compare instants, compare [`value`](Self::value)s, which are
/// equal when the instants are.
///
/// Values are ordered by instant, and values at the same instant by their
/// text (byte order), so that the order agrees with equality.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeOffset {
    // Field order matters: the derived order compares the instant first.
    value: DateTime<FixedOffset>,
    text: String,
}

impl DateTimeOffset {
    /// The instant with its offset, to compute with. Two values at the same
    /// instant give equal (`==`) chrono values whatever their offsets.
    pub fn value(&self) -> DateTime<FixedOffset> {
        self.value
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.value.to_utc()
    }

    /// The text: as received, or as built (see [the type's docs](Self)).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The current time, in UTC (`…Z`).
    pub fn now() -> Self {
        Utc::now().into()
    }

    fn parse_text(text: String) -> Result<Self, ParseError> {
        match parse_date_time_offset(&text) {
            Some(value) => Ok(Self { value, text }),
            None => Err(ParseError::new(Kind::DateTimeOffset, text)),
        }
    }
}

/// Writes the value in the form documented on [`DateTimeOffset`]. A value
/// whose offset has a seconds part, or whose local time is beyond chrono's
/// range (at its very ends), is written in UTC; the instant is unchanged.
impl<Tz: TimeZone> From<DateTime<Tz>> for DateTimeOffset {
    fn from(value: DateTime<Tz>) -> Self {
        let value = value.fixed_offset();
        let local = (value.offset().local_minus_utc() % 60 == 0)
            .then(|| value.naive_utc().checked_add_offset(*value.offset()))
            .flatten();
        let (value, local) = match local {
            Some(local) => (value, local),
            None => (value.to_utc().fixed_offset(), value.naive_utc()),
        };
        let mut text = String::with_capacity(32);
        let year = local.year();
        if year < 0 {
            let _ = write!(text, "-{:04}", year.unsigned_abs());
        } else {
            let _ = write!(text, "{year:04}");
        }
        let _ = write!(text, "-{:02}-{:02}T", local.month(), local.day());
        write_time(&mut text, local.time());
        let offset = value.offset().local_minus_utc();
        if offset == 0 {
            text.push('Z');
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let minutes = offset.unsigned_abs() / 60;
            let _ = write!(text, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
        Self { value, text }
    }
}

impl From<DateTimeOffset> for DateTime<FixedOffset> {
    fn from(value: DateTimeOffset) -> Self {
        value.value
    }
}

impl FromStr for DateTimeOffset {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        Self::parse_text(text.to_owned())
    }
}

/// `Edm.TimeOfDay`: a time of day without a date or offset, e.g.
/// `10:00:00.0000000`.
///
/// # Text
///
/// A value read from JSON or parsed with [`FromStr`] keeps its text and is
/// written back byte for byte (`10:00:00.0000000` stays that). The accepted
/// text is the OData ABNF `timeOfDayValue`: `hh:mm[:ss[.fraction]]`, hours
/// `00`–`23`, minutes `00`–`59`, seconds `00`–`60` (`60`: a leap second),
/// a fraction of one or more digits, of which [`value`](Self::value) keeps
/// the first nine (nanoseconds). Anything else is an error ([`ParseError`]
/// from `FromStr`, a serde error when deserializing), never a panic.
///
/// A value built from a [`chrono::NaiveTime`] is written `hh:mm:ss`, then,
/// only when the fraction of a second is not zero, `.` and the nanoseconds
/// with trailing zeros removed (1 to 9 digits: `23:59:59.5`).
///
/// ```
/// use graph_intune::edm::TimeOfDay;
///
/// let read: TimeOfDay = serde_json::from_str(r#""10:00:00.0000000""#).unwrap();
/// assert_eq!(serde_json::to_string(&read).unwrap(), r#""10:00:00.0000000""#);
/// let built = TimeOfDay::from(chrono::NaiveTime::from_hms_milli_opt(23, 59, 59, 500).unwrap());
/// assert_eq!(built.to_string(), "23:59:59.5");
/// ```
///
/// # Equality and order
///
/// As for [`DateTimeOffset`]: equal when the texts are (`10:00:00` and
/// `10:00:00.0000000` differ; compare [`value`](Self::value)s for the
/// time), ordered by time and then by text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    // Field order matters: the derived order compares the time first.
    value: NaiveTime,
    text: String,
}

impl TimeOfDay {
    /// The time, to compute with.
    pub fn value(&self) -> NaiveTime {
        self.value
    }

    /// The text: as received, or as built (see [the type's docs](Self)).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn parse_text(text: String) -> Result<Self, ParseError> {
        let mut cursor = Cursor(text.as_bytes());
        match parse_time(&mut cursor).filter(|_| cursor.0.is_empty()) {
            Some(value) => Ok(Self { value, text }),
            None => Err(ParseError::new(Kind::TimeOfDay, text)),
        }
    }
}

impl From<NaiveTime> for TimeOfDay {
    fn from(value: NaiveTime) -> Self {
        let mut text = String::with_capacity(18);
        write_time(&mut text, value);
        Self { value, text }
    }
}

impl From<TimeOfDay> for NaiveTime {
    fn from(value: TimeOfDay) -> Self {
        value.value
    }
}

impl FromStr for TimeOfDay {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        Self::parse_text(text.to_owned())
    }
}

/// `Edm.Duration`: a signed ISO 8601 duration, e.g. `PT1H30M`, `P1D`,
/// `-PT5M`, kept as its text, with checked conversions to
/// [`std::time::Duration`] and [`chrono::TimeDelta`].
///
/// # Text
///
/// A value read from JSON or parsed with [`FromStr`] keeps its text and is
/// written back byte for byte. The accepted text is
/// `[+|-]P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]` with at least one
/// component, and at least one after a `T`; each `n` is one or more digits,
/// only seconds have a fraction. OData's `Edm.Duration` uses days to
/// seconds only; years and months are accepted but have no fixed length, so
/// the conversions refuse them unless they are zero. Anything else is an
/// error ([`ParseError`] from `FromStr`, a serde error when deserializing),
/// never a panic.
///
/// A value built from a [`std::time::Duration`] or [`chrono::TimeDelta`] is
/// written as .NET (and so Graph) writes a `TimeSpan`: `-` when negative,
/// `P`, days (`nD`) when any, then `T` and hours (`nH`), minutes (`nM`) and
/// seconds (`n[.n]S`, the fraction as for [`DateTimeOffset`]: nanoseconds
/// without trailing zeros), each only when not zero. Zero is `PT0S`.
///
/// ```
/// use graph_intune::edm::Duration;
///
/// let read: Duration = serde_json::from_str(r#""PT1H30M""#).unwrap();
/// assert_eq!(read.to_std(), Some(std::time::Duration::from_secs(5400)));
/// assert_eq!(
///     Duration::from(chrono::TimeDelta::milliseconds(-90_500)).as_str(),
///     "-PT1M30.5S"
/// );
/// assert!("PT1.5H".parse::<Duration>().is_err());
/// ```
///
/// # Equality
///
/// Equal when the texts are: `PT60M` and `PT1H` differ; compare
/// [`to_time_delta`](Self::to_time_delta) results for lengths. Durations
/// are not ordered (a month has no fixed length).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Duration(String);

impl Duration {
    /// The text: as received, or as built (see [the type's docs](Self)).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The length as a [`std::time::Duration`]. `None` for a negative
    /// duration (but `-PT0S` is zero), non-zero years or months (whose
    /// length varies), or a length that does not fit. Digits of a fraction
    /// of a second beyond the ninth (below a nanosecond) are dropped.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let nanos = u128::try_from(self.nanos()?).ok()?;
        let seconds = u64::try_from(nanos / NANOS_PER_SECOND as u128).ok()?;
        // The remainder is below 10^9, so it fits.
        let subsec = (nanos % NANOS_PER_SECOND as u128) as u32;
        Some(std::time::Duration::new(seconds, subsec))
    }

    /// The length as a [`chrono::TimeDelta`], negative for a negative
    /// duration. `None` for non-zero years or months (whose length varies)
    /// or a length beyond `TimeDelta`'s range. Digits of a fraction of a
    /// second beyond the ninth (below a nanosecond) are dropped.
    pub fn to_time_delta(&self) -> Option<TimeDelta> {
        let nanos = self.nanos()?;
        let seconds = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND as i128)).ok()?;
        // The Euclidean remainder is in 0..10^9, so it fits.
        let subsec = nanos.rem_euclid(NANOS_PER_SECOND as i128) as u32;
        TimeDelta::new(seconds, subsec)
    }

    /// The signed length in nanoseconds; `None` for non-zero years or
    /// months, or overflow.
    fn nanos(&self) -> Option<i128> {
        parse_duration(&self.0)?.nanos()
    }

    fn parse_text(text: String) -> Result<Self, ParseError> {
        if parse_duration(&text).is_some() {
            Ok(Self(text))
        } else {
            Err(ParseError::new(Kind::Duration, text))
        }
    }

    fn build(negative: bool, seconds: u64, nanos: u32) -> Self {
        if seconds == 0 && nanos == 0 {
            return Self("PT0S".to_owned());
        }
        let mut text = String::with_capacity(24);
        if negative {
            text.push('-');
        }
        text.push('P');
        let (days, rest) = (seconds / 86_400, seconds % 86_400);
        let (hours, minutes, seconds) = (rest / 3600, rest % 3600 / 60, rest % 60);
        if days > 0 {
            let _ = write!(text, "{days}D");
        }
        if rest > 0 || nanos > 0 {
            text.push('T');
            if hours > 0 {
                let _ = write!(text, "{hours}H");
            }
            if minutes > 0 {
                let _ = write!(text, "{minutes}M");
            }
            if seconds > 0 || nanos > 0 {
                let _ = write!(text, "{seconds}");
                write_fraction(&mut text, nanos);
                text.push('S');
            }
        }
        Self(text)
    }
}

impl From<std::time::Duration> for Duration {
    fn from(value: std::time::Duration) -> Self {
        Self::build(false, value.as_secs(), value.subsec_nanos())
    }
}

impl From<TimeDelta> for Duration {
    fn from(value: TimeDelta) -> Self {
        // `TimeDelta`'s range is symmetric, so `abs` cannot overflow.
        let length = value.abs();
        Self::build(
            value < TimeDelta::zero(),
            length.num_seconds().unsigned_abs(),
            length.subsec_nanos().unsigned_abs(),
        )
    }
}

impl FromStr for Duration {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        Self::parse_text(text.to_owned())
    }
}

/// Text that is not a valid `Edm.DateTimeOffset`, `Edm.TimeOfDay` or
/// `Edm.Duration`: the error of their [`FromStr`] impls, and the message
/// of the serde error when deserializing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: Kind,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    DateTimeOffset,
    TimeOfDay,
    Duration,
}

impl Kind {
    fn edm_type(self) -> &'static str {
        match self {
            Kind::DateTimeOffset => "Edm.DateTimeOffset",
            Kind::TimeOfDay => "Edm.TimeOfDay",
            Kind::Duration => "Edm.Duration",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Kind::DateTimeOffset => {
                "an Edm.DateTimeOffset (RFC 3339), such as `2024-08-01T10:00:00Z` or `2017-01-01T00:02:43.5775965-08:00`"
            }
            Kind::TimeOfDay => "an Edm.TimeOfDay, such as `10:00:00` or `23:59:59.5`",
            Kind::Duration => "an Edm.Duration (ISO 8601), such as `PT1H30M`, `P1D` or `-PT0.5S`",
        }
    }
}

impl ParseError {
    fn new(kind: Kind, text: String) -> Self {
        Self { kind, text }
    }

    /// The type that was expected: `"Edm.DateTimeOffset"`,
    /// `"Edm.TimeOfDay"` or `"Edm.Duration"`.
    pub fn edm_type(&self) -> &'static str {
        self.kind.edm_type()
    }

    /// The text that was refused.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not {}", self.text, self.kind.expected())
    }
}

impl std::error::Error for ParseError {}

/// Serialize, Deserialize, Display and Debug: all through the text.
macro_rules! text_impls {
    ($($t:ident => $text:expr),*) => {$(
        impl fmt::Display for $t {
            /// Writes the text.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($t)).field(&self.as_str()).finish()
            }
        }

        impl Serialize for $t {
            /// Writes the text, as a JSON string.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            /// Reads a JSON string and keeps it; text that does not parse is
            /// an error.
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_string(TextVisitor::<$t>(PhantomData, $text))
            }
        }

        impl Parse for $t {
            fn from_text(text: String) -> Result<Self, ParseError> {
                $t::parse_text(text)
            }
        }
    )*};
}
text_impls!(
    DateTimeOffset => Kind::DateTimeOffset,
    TimeOfDay => Kind::TimeOfDay,
    Duration => Kind::Duration
);

/// The types [`TextVisitor`] reads.
trait Parse: Sized {
    fn from_text(text: String) -> Result<Self, ParseError>;
}

/// Reads a string into a `T`; the `Kind` says what is expected.
struct TextVisitor<T>(PhantomData<T>, Kind);

impl<T: Parse> de::Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1.expected())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::from_text(text.to_owned()).map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<T, E> {
        T::from_text(text).map_err(E::custom)
    }
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Writes `.` and `nanos` without trailing zeros, or nothing for zero.
fn write_fraction(out: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    let digits = format!("{nanos:09}");
    out.push('.');
    out.push_str(digits.trim_end_matches('0'));
}

/// Writes `hh:mm:ss[.f]`; chrono's leap second (nanoseconds past 10^9) is
/// second `60`.
fn write_time(out: &mut String, time: NaiveTime) {
    let (second, nanos) = match time.nanosecond().checked_sub(NANOS_PER_SECOND) {
        Some(leap) => (60, leap),
        None => (time.second(), time.nanosecond()),
    };
    let _ = write!(out, "{:02}:{:02}:{second:02}", time.hour(), time.minute());
    write_fraction(out, nanos);
}

/// The unread part of a text being parsed.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    /// Takes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((&first, rest)) if first == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Takes the next byte.
    fn take(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// Takes exactly `n` (at most 9) digits.
    fn fixed(&mut self, n: usize) -> Option<u32> {
        let (digits, rest) = self.0.split_at_checked(n)?;
        let mut value = 0;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(d - b'0');
        }
        self.0 = rest;
        Some(value)
    }

    /// Takes one or more digits.
    fn digits(&mut self) -> Option<&'a [u8]> {
        let n = self.0.iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let (digits, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(digits)
    }
}

/// The nanoseconds of a fraction's digits: the first nine, padded.
fn fraction_nanos(digits: &[u8]) -> u32 {
    (0..9).fold(0, |n, i| {
        n * 10 + digits.get(i).map_or(0, |d| u32::from(d.wrapping_sub(b'0')))
    })
}

/// `hh:mm[:ss[.f]]`.
fn parse_time(c: &mut Cursor<'_>) -> Option<NaiveTime> {
    let hour = c.fixed(2)?;
    c.eat(b':').then_some(())?;
    let minute = c.fixed(2)?;
    let (mut second, mut nanos) = (0, 0);
    if c.eat(b':') {
        second = c.fixed(2)?;
        if c.eat(b'.') {
            nanos = fraction_nanos(c.digits()?);
        }
    }
    if second == 60 {
        // chrono's leap second: second 59, nanoseconds past 10^9.
        second = 59;
        nanos += NANOS_PER_SECOND;
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// `[-]YYYY-MM-DD`, the year with four or more digits, no leading zero
/// beyond four.
fn parse_date(c: &mut Cursor<'_>) -> Option<NaiveDate> {
    let negative = c.eat(b'-');
    let digits = c.digits()?;
    // chrono's years have at most six digits.
    if digits.len() < 4 || digits.len() > 6 || (digits.len() > 4 && digits[0] == b'0') {
        return None;
    }
    let year = digits
        .iter()
        .fold(0i32, |y, d| y * 10 + i32::from(d - b'0'));
    let year = if negative { -year } else { year };
    c.eat(b'-').then_some(())?;
    let month = c.fixed(2)?;
    c.eat(b'-').then_some(())?;
    let day = c.fixed(2)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `date T time (Z | ±hh:mm)`.
fn parse_date_time_offset(text: &str) -> Option<DateTime<FixedOffset>> {
    let mut c = Cursor(text.as_bytes());
    let date = parse_date(&mut c)?;
    matches!(c.take()?, b'T' | b't').then_some(())?;
    let time = parse_time(&mut c)?;
    let offset = match c.take()? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let hours = c.fixed(2)?;
            c.eat(b':').then_some(())?;
            let minutes = c.fixed(2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            // At most 23 * 3600 + 59 * 60, so it fits.
            let seconds = (hours * 3600 + minutes * 60) as i32;
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    if !c.0.is_empty() {
        return None;
    }
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&date.and_time(time))
        .single()
}

/// One component of a duration: its integer digits and, for seconds, its
/// fraction's digits.
type Component<'a> = Option<(&'a [u8], Option<&'a [u8]>)>;

/// A duration's sign and components, in the order of `DESIGNATORS`.
struct DurationParts<'a> {
    negative: bool,
    components: [Component<'a>; 7],
}

/// Years, months, weeks, days; hours, minutes, seconds.
const DESIGNATORS: [u8; 7] = *b"YMWDHMS";
/// The first time designator in `DESIGNATORS`.
const TIME: usize = 4;
/// Nanoseconds per unit; years and months have no fixed length.
const UNIT_NANOS: [Option<i128>; 7] = [
    None,
    None,
    Some(7 * 86_400 * NANOS_PER_SECOND as i128),
    Some(86_400 * NANOS_PER_SECOND as i128),
    Some(3_600 * NANOS_PER_SECOND as i128),
    Some(60 * NANOS_PER_SECOND as i128),
    Some(NANOS_PER_SECOND as i128),
];

/// `[+|-]P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]`.
fn parse_duration(text: &str) -> Option<DurationParts<'_>> {
    let mut c = Cursor(text.as_bytes());
    let negative = c.eat(b'-');
    if !negative {
        c.eat(b'+');
    }
    c.eat(b'P').then_some(())?;
    let mut components: [Component<'_>; 7] = [None; 7];
    let mut any = duration_components(&mut c, &mut components, 0..TIME)?;
    if c.eat(b'T') {
        duration_components(&mut c, &mut components, TIME..DESIGNATORS.len())?.then_some(())?;
        any = true;
    }
    (any && c.0.is_empty()).then_some(DurationParts {
        negative,
        components,
    })
}

/// Reads `n[.n]X` components whose designators `X` are in `designators`
/// (indexes into `DESIGNATORS`), in order; whether there was any.
fn duration_components<'a>(
    c: &mut Cursor<'a>,
    components: &mut [Component<'a>; 7],
    designators: std::ops::Range<usize>,
) -> Option<bool> {
    let mut next = designators.start;
    let mut any = false;
    while let Some(digits) = c.digits() {
        let fraction = if c.eat(b'.') { Some(c.digits()?) } else { None };
        let designator = c.take()?;
        let at = next
            + DESIGNATORS[next..designators.end]
                .iter()
                .position(|&d| d == designator)?;
        // Only seconds, the last designator, have a fraction.
        if fraction.is_some() && at != DESIGNATORS.len() - 1 {
            return None;
        }
        components[at] = Some((digits, fraction));
        next = at + 1;
        any = true;
    }
    Some(any)
}

impl DurationParts<'_> {
    /// The signed length in nanoseconds; `None` for non-zero years or
    /// months, or overflow.
    fn nanos(&self) -> Option<i128> {
        let mut total: i128 = 0;
        for (component, unit) in self.components.iter().zip(UNIT_NANOS) {
            let Some((digits, fraction)) = component else {
                continue;
            };
            let n = digits.iter().try_fold(0i128, |n, d| {
                n.checked_mul(10)?.checked_add(i128::from(d - b'0'))
            })?;
            match unit {
                Some(unit) => total = total.checked_add(n.checked_mul(unit)?)?,
                None if n == 0 => {}
                None => return None,
            }
            if let Some(fraction) = fraction {
                total = total.checked_add(i128::from(fraction_nanos(fraction)))?;
            }
        }
        Some(if self.negative { -total } else { total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + fmt::Display>(text: &str) -> T {
        let json = format!("\"{text}\"");
        let value: T = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        assert_eq!(value.to_string(), text);
        value
    }

    #[test]
    fn date_time_offsets_keep_their_text() {
        for text in [
            "2017-01-01T00:02:43-08:00",
            "2017-01-01T00:02:43.5-08:00",
            "2017-01-01T00:02:43.577-08:00",
            "2017-01-01T00:02:43.577596-08:00",
            "2017-01-01T00:02:43.5775965-08:00",
            "2017-01-01T00:02:43.577596512-08:00",
            "2017-01-01T00:02:43.577596512345-08:00",
            "2024-08-01T10:00:00.0000000Z",
            "2024-08-01T10:00:00+00:00",
            "2024-08-01T10:00:00-00:00",
            "2024-08-01T15:30:00+05:30",
            "2024-08-01t10:00:00z",
            "2024-08-01T10:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9999999Z",
            "2016-12-31T23:59:60.5Z",
            "-0044-03-15T12:00:00Z",
            "12024-08-01T10:00:00Z",
        ] {
            let value: DateTimeOffset = round_trip(text);
            assert_eq!(value.as_str(), text);
            assert_eq!(text.parse::<DateTimeOffset>().unwrap(), value);
        }
    }

    #[test]
    fn date_time_offset_values_are_the_instants() {
        let v: DateTimeOffset = "2017-01-01T00:02:43.5775965-08:00".parse().unwrap();
        assert_eq!(v.value().offset().local_minus_utc(), -8 * 3600);
        assert_eq!(v.value().timestamp(), 1_483_257_763);
        assert_eq!(v.value().nanosecond(), 577_596_500);
        assert_eq!(
            v.to_utc().to_rfc3339(),
            "2017-01-01T08:02:43.577596500+00:00"
        );
        let twelve: DateTimeOffset = "2017-01-01T00:02:43.123456789999Z".parse().unwrap();
        assert_eq!(twelve.value().nanosecond(), 123_456_789);
        let short: DateTimeOffset = "2024-08-01T10:30+02:00".parse().unwrap();
        assert_eq!(short.to_utc().to_rfc3339(), "2024-08-01T08:30:00+00:00");
        let leap: DateTimeOffset = "2016-12-31T23:59:60.5Z".parse().unwrap();
        assert_eq!(leap.value().nanosecond(), 1_500_000_000);
        let bc: DateTimeOffset = "-0044-03-15T12:00:00Z".parse().unwrap();
        assert_eq!(bc.value().year(), -44);
    }

    #[test]
    fn equality_is_by_text_and_order_by_instant() {
        let a: DateTimeOffset = "2024-08-01T10:00:00Z".parse().unwrap();
        let b: DateTimeOffset = "2024-08-01T10:00:00.0000000Z".parse().unwrap();
        let c: DateTimeOffset = "2024-08-01T12:00:00+02:00".parse().unwrap();
        let later: DateTimeOffset = "2024-08-01T11:00:00+02:00".parse().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.value(), b.value());
        assert_eq!(a.value(), c.value());
        assert_eq!(a.clone(), a);
        let mut sorted = vec![later.clone(), c.clone(), b.clone(), a.clone()];
        sorted.sort();
        // 09:00Z first; then 10:00Z three ways, by text (`.` < `Z`).
        assert_eq!(sorted, vec![later, b, a, c]);
        let t1: TimeOfDay = "10:00:00".parse().unwrap();
        let t2: TimeOfDay = "10:00:00.0000000".parse().unwrap();
        assert_ne!(t1, t2);
        assert_eq!(t1.value(), t2.value());
        assert!(t1 < t2);
        assert_ne!(
            "PT60M".parse::<Duration>().unwrap(),
            "PT1H".parse::<Duration>().unwrap()
        );
    }

    #[test]
    fn built_date_time_offsets_use_the_graph_form() {
        let at = |text: &str| DateTimeOffset::from(DateTime::parse_from_rfc3339(text).unwrap());
        assert_eq!(
            at("2024-08-01T10:00:00+00:00").as_str(),
            "2024-08-01T10:00:00Z"
        );
        assert_eq!(
            at("2024-08-01T10:00:00.500+00:00").as_str(),
            "2024-08-01T10:00:00.5Z"
        );
        assert_eq!(
            at("2024-08-01T10:00:00.123456789+02:00").as_str(),
            "2024-08-01T10:00:00.123456789+02:00"
        );
        assert_eq!(
            at("2024-08-01T10:00:00.000000001-08:00").as_str(),
            "2024-08-01T10:00:00.000000001-08:00"
        );
        assert_eq!(
            at("2024-08-01T10:00:00.1234567-09:30").as_str(),
            "2024-08-01T10:00:00.1234567-09:30"
        );
        assert_eq!(
            at("2016-12-31T23:59:60.25Z").as_str(),
            "2016-12-31T23:59:60.25Z"
        );
        let utc = Utc.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap();
        assert_eq!(DateTimeOffset::from(utc).as_str(), "2024-08-01T10:00:00Z");
        let odd = FixedOffset::east_opt(3600 + 1).unwrap();
        let odd = odd.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap();
        let built = DateTimeOffset::from(odd);
        assert_eq!(built.as_str(), "2024-08-01T08:59:59Z");
        assert_eq!(built.value(), odd);
        let bc = Utc.with_ymd_and_hms(-44, 3, 15, 12, 0, 0).unwrap();
        assert_eq!(DateTimeOffset::from(bc).as_str(), "-0044-03-15T12:00:00Z");
        let far = Utc.with_ymd_and_hms(12024, 8, 1, 10, 0, 0).unwrap();
        assert_eq!(DateTimeOffset::from(far).as_str(), "12024-08-01T10:00:00Z");
        // The extremes: the local time of MAX at +01:00 is out of chrono's
        // range, so the value is written in UTC.
        for extreme in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let east = extreme.with_timezone(&FixedOffset::east_opt(3600).unwrap());
            let west = extreme.with_timezone(&FixedOffset::west_opt(3600).unwrap());
            for v in [extreme.fixed_offset(), east, west] {
                let built = DateTimeOffset::from(v);
                let back: DateTimeOffset = built.as_str().parse().unwrap();
                assert_eq!(back, built);
                assert_eq!(back.value(), v);
            }
        }
        // Whatever is built parses back to the same text and offset.
        let now = DateTimeOffset::now();
        assert!(now.as_str().ends_with('Z'));
        assert_eq!(now.as_str().parse::<DateTimeOffset>().unwrap(), now);
    }

    #[test]
    fn times_of_day_keep_their_text() {
        for text in [
            "10:00:00",
            "10:00:00.0000000",
            "23:59:59.5",
            "10:00",
            "23:59:60",
        ] {
            let value: TimeOfDay = round_trip(text);
            assert_eq!(value.as_str(), text);
        }
        let t: TimeOfDay = "23:59:59.5".parse().unwrap();
        assert_eq!(
            t.value(),
            NaiveTime::from_hms_milli_opt(23, 59, 59, 500).unwrap()
        );
        let built = |h, m, s, n| TimeOfDay::from(NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap());
        assert_eq!(built(10, 0, 0, 0).as_str(), "10:00:00");
        assert_eq!(built(23, 59, 59, 500_000_000).as_str(), "23:59:59.5");
        assert_eq!(built(0, 0, 0, 1).as_str(), "00:00:00.000000001");
        assert_eq!(built(23, 59, 59, 1_250_000_000).as_str(), "23:59:60.25");
        assert_eq!(
            "23:59:60.25".parse::<TimeOfDay>().unwrap(),
            built(23, 59, 59, 1_250_000_000)
        );
    }

    #[test]
    fn invalid_text_is_an_error() {
        for text in [
            "",
            "2024-08-01",
            "2024-08-01T10:00:00",
            "2024-08-01 10:00:00Z",
            "2024-08-01T10:00:00+0200",
            "2024-08-01T10:00:00+24:00",
            "2024-08-01T10:00:00+02:60",
            "2024-08-01T10:00:00.Z",
            "2024-08-01T10:00:00.5ZZ",
            "2024-02-30T10:00:00Z",
            "2024-13-01T10:00:00Z",
            "2024-08-01T24:00:00Z",
            "2024-08-01T10:60:00Z",
            "2024-08-01T10:00:61Z",
            "24-08-01T10:00:00Z",
            "02024-08-01T10:00:00Z",
            "1234567-08-01T10:00:00Z",
            "2024-8-1T10:00:00Z",
            "２０２４-08-01T10:00:00Z",
            "2024-08-01T10:00:00\u{e9}",
        ] {
            let error = text.parse::<DateTimeOffset>().unwrap_err();
            assert_eq!(error.edm_type(), "Edm.DateTimeOffset");
            assert_eq!(error.text(), text);
            let json = serde_json::to_string(text).unwrap();
            assert!(
                serde_json::from_str::<DateTimeOffset>(&json).is_err(),
                "{text}"
            );
        }
        for text in [
            "",
            "10",
            "10:0",
            "24:00:00",
            "10:00:00.",
            "10:00:00Z",
            "1:00:00",
            "10:00:00 ",
        ] {
            assert!(text.parse::<TimeOfDay>().is_err(), "{text}");
        }
        for text in [
            "", "P", "PT", "P1", "1D", "P1DT", "PT1.5H", "P1.5D", "PT1S1M", "P1D1D", "PT.5S",
            "PT5.S", "P-1D", "--PT1S", "pt1s", "PT1H ", "P1H", "PT1D",
        ] {
            let error = text.parse::<Duration>().unwrap_err();
            assert_eq!(error.edm_type(), "Edm.Duration", "{text}");
        }
        let error = serde_json::from_str::<DateTimeOffset>("\"2024-02-30T10:00:00Z\"").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`2024-02-30T10:00:00Z` is not an Edm.DateTimeOffset (RFC 3339), such as \
             `2024-08-01T10:00:00Z` or `2017-01-01T00:02:43.5775965-08:00` at line 1 column 22"
        );
        let error = serde_json::from_str::<TimeOfDay>("5").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: integer `5`, expected an Edm.TimeOfDay, such as `10:00:00` or \
             `23:59:59.5` at line 1 column 1"
        );
    }

    #[test]
    fn durations_keep_their_text_and_convert_when_fixed_length() {
        let d = |text: &str| -> Duration { round_trip(text) };
        let secs = std::time::Duration::from_secs;
        assert_eq!(d("PT1H30M").to_std(), Some(secs(5400)));
        assert_eq!(d("P1D").to_std(), Some(secs(86400)));
        assert_eq!(
            d("PT0.5S").to_std(),
            Some(std::time::Duration::from_millis(500))
        );
        assert_eq!(d("P1W").to_std(), Some(secs(7 * 86400)));
        assert_eq!(
            d("+P1DT2H3M4.000000005S").to_std(),
            Some(std::time::Duration::new(93_784, 5))
        );
        assert_eq!(
            d("PT0.1234567891S").to_std(),
            Some(std::time::Duration::new(0, 123_456_789))
        );
        assert_eq!(d("P0Y0M1D").to_std(), Some(secs(86400)));
        assert_eq!(d("P1M").to_std(), None);
        assert_eq!(d("P1Y").to_time_delta(), None);
        assert_eq!(d("-PT1S").to_std(), None);
        assert_eq!(d("-PT0S").to_std(), Some(std::time::Duration::ZERO));
        assert_eq!(d("-PT5M").to_time_delta(), Some(TimeDelta::minutes(-5)));
        assert_eq!(
            d("-PT0.5S").to_time_delta(),
            Some(TimeDelta::milliseconds(-500))
        );
        assert_eq!(d("PT1H30M").to_time_delta(), Some(TimeDelta::minutes(90)));
        assert_eq!(
            d("P10675199DT2H48M5.4775807S").to_std(),
            Some(std::time::Duration::new(922_337_203_685, 477_580_700))
        );
        let huge = "P99999999999999999999999999999999999999999D";
        assert_eq!(d(huge).to_std(), None);
        assert_eq!(d(huge).to_time_delta(), None);
        assert_eq!(d("P999999999999D").to_time_delta(), None);
        assert_eq!(
            d("P999999999999D").to_std(),
            Some(secs(999_999_999_999 * 86_400))
        );
    }

    #[test]
    fn built_durations_use_the_dotnet_form() {
        let std = |s, n| Duration::from(std::time::Duration::new(s, n));
        assert_eq!(std(0, 0).as_str(), "PT0S");
        assert_eq!(std(5400, 0).as_str(), "PT1H30M");
        assert_eq!(std(86400, 0).as_str(), "P1D");
        assert_eq!(std(0, 500_000_000).as_str(), "PT0.5S");
        assert_eq!(std(93_784, 5).as_str(), "P1DT2H3M4.000000005S");
        assert_eq!(std(86400 + 1, 0).as_str(), "P1DT1S");
        assert_eq!(
            std(u64::MAX, 999_999_999).to_std(),
            Some(std::time::Duration::new(u64::MAX, 999_999_999))
        );
        assert_eq!(Duration::from(TimeDelta::minutes(-5)).as_str(), "-PT5M");
        assert_eq!(Duration::from(TimeDelta::zero()).as_str(), "PT0S");
        assert_eq!(
            Duration::from(TimeDelta::milliseconds(-1)).as_str(),
            "-PT0.001S"
        );
        for delta in [
            TimeDelta::MIN,
            TimeDelta::MAX,
            TimeDelta::nanoseconds(-1_500_000_001),
        ] {
            assert_eq!(Duration::from(delta).to_time_delta(), Some(delta));
        }
    }

    #[test]
    fn debug_shows_the_text() {
        let d: Duration = "PT1H".parse().unwrap();
        assert_eq!(format!("{d:?}"), "Duration(\"PT1H\")");
        let t = DateTimeOffset::from(Utc.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap());
        assert_eq!(format!("{t:?}"), "DateTimeOffset(\"2024-08-01T10:00:00Z\")");
        assert_eq!(
            format!("{:?}", Some(t)),
            "Some(DateTimeOffset(\"2024-08-01T10:00:00Z\"))"
        );
    }
}
