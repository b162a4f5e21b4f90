//! Units and GDELT-style count types.

use storyline_model::CountType;

/// A unit written after a number, in its singular form.
pub(crate) fn unit_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "%" | "percent" | "pct" => "percent",
        "dollar" | "dollars" => "USD",
        "euro" | "euros" => "EUR",
        "pound" | "pounds" => "GBP",
        "yen" => "JPY",
        "ruble" | "rubles" | "roubles" | "rouble" => "RUB",
        "hryvnia" | "hryvnias" | "hryvnas" => "UAH",
        "yuan" => "CNY",
        "cent" | "cents" => "cent",
        "second" | "seconds" => "second",
        "minute" | "minutes" => "minute",
        "hour" | "hours" => "hour",
        "day" | "days" => "day",
        "week" | "weeks" => "week",
        "month" | "months" => "month",
        "year" | "years" => "year",
        "decade" | "decades" => "decade",
        "km" | "kilometer" | "kilometers" | "kilometre" | "kilometres" => "km",
        "mile" | "miles" => "mile",
        "meter" | "meters" | "metre" | "metres" => "m",
        "ton" | "tons" | "tonne" | "tonnes" => "tonne",
        "kg" | "kilogram" | "kilograms" => "kg",
        "barrel" | "barrels" => "barrel",
        _ => return None,
    })
}

/// A unit of time, as in the rate "a week".
pub(crate) fn is_time_unit(w: &str) -> bool {
    matches!(
        w,
        "second" | "minute" | "hour" | "day" | "week" | "month" | "year" | "night"
    )
}

/// What happened to what is counted, from a noun or verb: "killed", "fatality", "injured".
pub(crate) fn count_type(w: &str) -> Option<CountType> {
    Some(match w {
        "killed" | "dead" | "died" | "dying" | "die" | "deaths" | "death" | "fatalities"
        | "fatality" | "lives" | "bodies" | "murdered" | "executed" => CountType::Kill,
        "wounded" | "injured" | "injuries" | "injury" | "hurt" | "wounds" => CountType::Wound,
        "arrested" | "detained" | "detainees" | "detainee" | "jailed" | "imprisoned"
        | "arrests" | "prisoners" | "prisoner" => CountType::Arrest,
        "kidnapped" | "abducted" | "hostages" | "hostage" | "kidnappings" => CountType::Kidnap,
        "displaced" | "refugees" | "refugee" | "fled" | "homeless" => CountType::Displaced,
        "evacuated" | "evacuees" => CountType::Evacuate,
        "sick" | "ill" | "infected" | "infections" | "cases" => CountType::Sick,
        "affected" | "casualties" | "casualty" | "victims" => CountType::Affect,
        _ => return None,
    })
}
