use super::*;

#[test]
fn status_words_are_distinct_in_each_language() {
    for lang in [Lang::Sv, Lang::En] {
        let words: Vec<&str> =
            [Status::Met, Status::Partly, Status::NotMet].iter().map(|s| status_word(*s, lang)).collect();
        assert!(words[0] != words[1] && words[1] != words[2] && words[0] != words[2]);
    }
}
