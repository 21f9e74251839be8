//! `Edm.DateTimeOffset`, `Edm.TimeOfDay` and `Edm.Duration` keep their text:
//! read and written back byte for byte, bare and inside generated models;
//! values built in Rust are written in the form Graph documents.

use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use graph_intune::edm::{DateTimeOffset, Duration, TimeOfDay};
use graph_intune::Nullable;
use serde::{Deserialize, Serialize};

use crate::models;

/// Every fractional-digit count Graph and .NET write, with each offset form.
const DATE_TIME_OFFSETS: [&str; 18] = [
    "2017-01-01T00:02:43Z",
    "2017-01-01T00:02:43.5Z",
    "2017-01-01T00:02:43.577Z",
    "2017-01-01T00:02:43.577596Z",
    "2017-01-01T00:02:43.5775965Z",
    "2017-01-01T00:02:43.577596500Z",
    "2017-01-01T00:02:43+05:30",
    "2017-01-01T00:02:43.5+05:30",
    "2017-01-01T00:02:43.577+05:30",
    "2017-01-01T00:02:43.577596+05:30",
    "2017-01-01T00:02:43.5775965+05:30",
    "2017-01-01T00:02:43.577596500+05:30",
    "2017-01-01T00:02:43-08:00",
    "2017-01-01T00:02:43.5-08:00",
    "2017-01-01T00:02:43.577-08:00",
    "2017-01-01T00:02:43.577596-08:00",
    "2017-01-01T00:02:43.5775965-08:00",
    "2017-01-01T00:02:43.577596500-08:00",
];
const TIMES_OF_DAY: [&str; 3] = ["10:00:00", "10:00:00.0000000", "23:59:59.5"];
const DURATIONS: [&str; 4] = ["PT1H30M", "P1D", "PT0.5S", "-PT5M"];

/// Reads `text` as a JSON string, checks that it is written back unchanged
/// and that `Display` prints it.
fn bare<T>(text: &str) -> T
where
    T: Serialize + for<'de> Deserialize<'de> + std::fmt::Display,
{
    let json = format!("\"{text}\"");
    let value: T = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), json);
    assert_eq!(value.to_string(), text);
    value
}

#[test]
fn bare_values_round_trip_byte_for_byte() {
    for text in DATE_TIME_OFFSETS {
        let value: DateTimeOffset = bare(text);
        assert_eq!(value.as_str(), text);
        assert_eq!(text.parse::<DateTimeOffset>().unwrap(), value);
    }
    for text in TIMES_OF_DAY {
        let value: TimeOfDay = bare(text);
        assert_eq!(value.as_str(), text);
    }
    for text in DURATIONS {
        let value: Duration = bare(text);
        assert_eq!(value.as_str(), text);
    }
}

/// A hand-written struct with the containers generated code uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Schedule {
    created_date_time: DateTimeOffset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified_date_time: Option<DateTimeOffset>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    expiration_date_time: Nullable<DateTimeOffset>,
    moments: Vec<DateTimeOffset>,
    times: Option<Vec<TimeOfDay>>,
    grace_periods: Vec<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    interval: Option<Duration>,
}

#[test]
fn values_in_options_nullables_and_vectors_round_trip_byte_for_byte() {
    let quoted = |texts: &[&str]| {
        texts
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let body = format!(
        r#"{{"createdDateTime":"2017-01-01T00:02:43.5775965-08:00","lastModifiedDateTime":"2024-08-01T10:00:00.0000000Z","expirationDateTime":"2024-08-01T15:30:00+05:30","moments":[{}],"times":[{}],"gracePeriods":[{}],"interval":"PT0.5S"}}"#,
        quoted(&DATE_TIME_OFFSETS),
        quoted(&TIMES_OF_DAY),
        quoted(&DURATIONS),
    );
    let schedule: Schedule = serde_json::from_str(&body).unwrap();
    assert_eq!(serde_json::to_string(&schedule).unwrap(), body);
    assert_eq!(schedule.moments.len(), 18);
    assert_eq!(
        schedule.expiration_date_time.value().unwrap().as_str(),
        "2024-08-01T15:30:00+05:30"
    );

    let body = r#"{"createdDateTime":"2024-08-01T10:00:00Z","expirationDateTime":null,"moments":[],"times":null,"gracePeriods":["P1D"]}"#;
    let schedule: Schedule = serde_json::from_str(body).unwrap();
    assert_eq!(schedule.expiration_date_time, Nullable::Null);
    assert_eq!(schedule.times, None);
    assert_eq!(serde_json::to_string(&schedule).unwrap(), body);
}

#[test]
fn values_in_a_generated_model_round_trip_byte_for_byte() {
    // Members in the generated struct's field order, so the whole body is
    // written back identically.
    for (i, at) in DATE_TIME_OFFSETS.iter().enumerate() {
        let time = TIMES_OF_DAY[i % TIMES_OF_DAY.len()];
        let duration = DURATIONS[i % DURATIONS.len()];
        let body = format!(
            r#"{{"string":"s","dateTimeOffset":"{at}","date":"2024-08-01","timeOfDay":"{time}","duration":"{duration}","openProperty":"kept"}}"#
        );
        let e: models::Everything = serde_json::from_str(&body).unwrap();
        assert_eq!(e.date_time_offset.value().unwrap().as_str(), *at);
        assert_eq!(e.time_of_day.value().unwrap().as_str(), time);
        assert_eq!(e.duration.value().unwrap().as_str(), duration);
        assert_eq!(serde_json::to_string(&e).unwrap(), body);
    }
    let body = r#"{"dateTimeOffset":null,"timeOfDay":null,"duration":null}"#;
    let e: models::Everything = serde_json::from_str(body).unwrap();
    assert_eq!(e.date_time_offset, Nullable::Null);
    assert_eq!(serde_json::to_string(&e).unwrap(), body);
}

#[test]
fn invalid_text_is_an_error_in_a_generated_model() {
    for body in [
        r#"{"dateTimeOffset":"2024-02-30T10:00:00Z"}"#,
        r#"{"dateTimeOffset":"2024-08-01T10:00:00"}"#,
        r#"{"dateTimeOffset":"yesterday"}"#,
        r#"{"dateTimeOffset":1722506400}"#,
        r#"{"timeOfDay":"25:00:00"}"#,
        r#"{"duration":"PT1.5H"}"#,
        r#"{"duration":"90 minutes"}"#,
    ] {
        let error = serde_json::from_str::<models::Everything>(body).unwrap_err();
        assert!(error.is_data(), "{body}: {error}");
    }
    let error = serde_json::from_str::<models::Everything>(r#"{"dateTimeOffset":"yesterday"}"#)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("`yesterday` is not an Edm.DateTimeOffset (RFC 3339)"),
        "{error}"
    );

    let error = "2024-08-01T10:00:00".parse::<DateTimeOffset>().unwrap_err();
    assert_eq!(error.edm_type(), "Edm.DateTimeOffset");
    assert_eq!(error.text(), "2024-08-01T10:00:00");
    assert_eq!(
        "24:00:00".parse::<TimeOfDay>().unwrap_err().edm_type(),
        "Edm.TimeOfDay"
    );
    assert_eq!(
        "P1H".parse::<Duration>().unwrap_err().edm_type(),
        "Edm.Duration"
    );
}

#[test]
fn values_built_in_rust_use_the_graph_form() {
    let utc = Utc.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap();
    assert_eq!(
        serde_json::to_string(&DateTimeOffset::from(utc)).unwrap(),
        r#""2024-08-01T10:00:00Z""#
    );
    let half = utc + TimeDelta::milliseconds(500);
    assert_eq!(
        DateTimeOffset::from(half).as_str(),
        "2024-08-01T10:00:00.5Z"
    );
    let ticks = utc + TimeDelta::nanoseconds(123_456_700);
    assert_eq!(
        DateTimeOffset::from(ticks).as_str(),
        "2024-08-01T10:00:00.1234567Z"
    );
    let plus_two = FixedOffset::east_opt(2 * 3600).unwrap();
    let local = plus_two.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap();
    assert_eq!(
        DateTimeOffset::from(local).as_str(),
        "2024-08-01T10:00:00+02:00"
    );
    let minus = FixedOffset::west_opt(8 * 3600 + 30 * 60).unwrap();
    let local =
        minus.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap() + TimeDelta::microseconds(250);
    assert_eq!(
        DateTimeOffset::from(local).as_str(),
        "2024-08-01T10:00:00.00025-08:30"
    );
    // A zero offset is `Z`, however it was given.
    let zero = FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2024, 8, 1, 10, 0, 0)
        .unwrap();
    assert_eq!(DateTimeOffset::from(zero).as_str(), "2024-08-01T10:00:00Z");
    // `FromStr` keeps the text it is given.
    let parsed: DateTimeOffset = "2024-08-01T10:00:00+00:00".parse().unwrap();
    assert_eq!(parsed.as_str(), "2024-08-01T10:00:00+00:00");
    assert_ne!(parsed, DateTimeOffset::from(zero));
    assert_eq!(parsed.value(), DateTimeOffset::from(zero).value());

    let time =
        |h, m, s, milli| TimeOfDay::from(NaiveTime::from_hms_milli_opt(h, m, s, milli).unwrap());
    assert_eq!(
        serde_json::to_string(&time(10, 0, 0, 0)).unwrap(),
        r#""10:00:00""#
    );
    assert_eq!(time(23, 59, 59, 500).as_str(), "23:59:59.5");
    assert_eq!(time(7, 5, 3, 120).as_str(), "07:05:03.12");

    let from_std = |secs| Duration::from(std::time::Duration::from_secs(secs));
    assert_eq!(from_std(5400).as_str(), "PT1H30M");
    assert_eq!(from_std(86_400).as_str(), "P1D");
    assert_eq!(from_std(0).as_str(), "PT0S");
    assert_eq!(
        Duration::from(std::time::Duration::from_millis(500)).as_str(),
        "PT0.5S"
    );
    assert_eq!(Duration::from(TimeDelta::minutes(-5)).as_str(), "-PT5M");
    assert_eq!(
        serde_json::to_string(&Duration::from(TimeDelta::days(2) + TimeDelta::seconds(1))).unwrap(),
        r#""P2DT1S""#
    );
}

#[test]
fn chrono_values_are_the_right_instants() {
    let graph: DateTimeOffset = "2017-01-01T00:02:43.5775965-08:00".parse().unwrap();
    let expected: DateTime<Utc> =
        Utc.with_ymd_and_hms(2017, 1, 1, 8, 2, 43).unwrap() + TimeDelta::nanoseconds(577_596_500);
    assert_eq!(graph.value(), expected);
    assert_eq!(graph.to_utc(), expected);
    assert_eq!(graph.value().offset().local_minus_utc(), -8 * 3600);
    assert_eq!(graph.value().hour(), 0);
    let same: DateTimeOffset = "2017-01-01T13:32:43.577596500+05:30".parse().unwrap();
    assert_ne!(graph, same);
    assert_eq!(graph.value(), same.value());
    assert_eq!(DateTime::<FixedOffset>::from(same.clone()), expected);

    let z: DateTimeOffset = "2024-08-01T10:00:00Z".parse().unwrap();
    let seven: DateTimeOffset = "2024-08-01T10:00:00.0000000Z".parse().unwrap();
    assert_ne!(z, seven);
    assert_eq!(z.value(), seven.value());
    assert_eq!(
        z.value(),
        Utc.with_ymd_and_hms(2024, 8, 1, 10, 0, 0).unwrap()
    );
    assert!(graph < z);

    let time: TimeOfDay = "23:59:59.5".parse().unwrap();
    assert_eq!(
        time.value(),
        NaiveTime::from_hms_milli_opt(23, 59, 59, 500).unwrap()
    );
    assert_eq!(
        NaiveTime::from(time),
        NaiveTime::from_hms_milli_opt(23, 59, 59, 500).unwrap()
    );
    let ten: TimeOfDay = "10:00:00.0000000".parse().unwrap();
    assert_eq!(ten.value(), NaiveTime::from_hms_opt(10, 0, 0).unwrap());

    let d = |text: &str| text.parse::<Duration>().unwrap();
    assert_eq!(d("PT1H30M").to_time_delta(), Some(TimeDelta::minutes(90)));
    assert_eq!(
        d("PT1H30M").to_std(),
        Some(std::time::Duration::from_secs(5400))
    );
    assert_eq!(d("P1D").to_time_delta(), Some(TimeDelta::days(1)));
    assert_eq!(
        d("PT0.5S").to_time_delta(),
        Some(TimeDelta::milliseconds(500))
    );
    assert_eq!(d("-PT5M").to_time_delta(), Some(TimeDelta::minutes(-5)));
    assert_eq!(d("-PT5M").to_std(), None);
    assert_eq!(d("P1M").to_time_delta(), None);
}

#[test]
fn url_literals_use_the_text() {
    use graph_intune::odata::{function_segment, Literal};
    let at: DateTimeOffset = "2017-01-01T00:02:43.5775965-08:00".parse().unwrap();
    let length: Duration = "PT1H30M".parse().unwrap();
    assert_eq!(
        function_segment("f", &[("at", at.literal()), ("length", length.literal())]),
        "f(at=2017-01-01T00%3A02%3A43.5775965-08%3A00,length=duration%27PT1H30M%27)"
    );
}
