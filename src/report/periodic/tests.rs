//! The report's words: statuses, limits and the document's layout.

use super::*;

#[test]
fn status_words_are_distinct_in_each_language() {
    for lang in [Lang::Sv, Lang::En] {
        let words: Vec<&str> =
            [Status::Met, Status::Partly, Status::NotMet].iter().map(|s| status_word(*s, lang)).collect();
        assert!(words[0] != words[1] && words[1] != words[2] && words[0] != words[2]);
    }
}

#[test]
fn limits_read_as_the_policy_writes_them() {
    let band = Some(Limit::Between { lo: 1.5, hi: 4.0 });
    assert_eq!(limit_text(band, Unit::Years, Lang::Sv), "1,5–4,0 år");
    assert_eq!(limit_text(band, Unit::Years, Lang::En), "1.5–4.0 years");
    assert_eq!(limit_text(Some(Limit::AtMost { max: 0.35 }), Unit::Percent, Lang::Sv), "högst 35,0\u{a0}%");
    assert_eq!(limit_text(Some(Limit::AtMost { max: 950.0 }), Unit::Mkr, Lang::En), "at most 950\u{a0}mkr");
    assert_eq!(limit_text(None, Unit::Mkr, Lang::En), "");
}

fn sample() -> Document {
    let measures = [
        Measure {
            key: "fixing_years",
            value: 1.25,
            unit: Unit::Years,
            se: None,
            ci: None,
            sample: None,
            limit: Some(Limit::Between { lo: 1.5, hi: 4.0 }),
            status: Status::NotMet,
        },
        Measure {
            key: "market_value",
            value: 1477.4,
            unit: Unit::Mkr,
            se: None,
            ci: None,
            sample: None,
            limit: None,
            status: Status::NoLimit,
        },
    ];
    let mut d = Document::new(Lang::Sv, "T");
    d.heading(2, "Lån <& skuld>");
    d.table(measures_table("debt", "Skuld | lån".into(), &measures, Lang::Sv));
    d
}

#[test]
fn markdown_shows_numbers_in_the_readers_format_and_escapes_pipes() {
    let md = markdown(&sample());
    assert!(md.starts_with("## Lån <& skuld>\n\n**Skuld | lån**\n\n| Mått | Utfall |"), "{md}");
    assert!(md.contains("| Räntebindning, år | 1,25 |  | 1,5–4,0 år | ej uppfyllt |"), "{md}");
    assert!(md.contains("| Marknadsvärde | 1\u{a0}477,4\u{a0}mkr |  |  | – |"), "{md}");
}

#[test]
fn the_page_colours_a_status_and_keeps_its_words() {
    let page = html(&sample());
    assert!(page.contains("<h2>Lån &lt;&amp; skuld&gt;</h2>"));
    assert!(page.contains("<td class=\"notmet\">ej uppfyllt</td>"), "{page}");
    assert!(page.contains("<td class=\"num\">1,25</td>"));
    assert!(page.contains("<html lang=\"sv\">"));
}
