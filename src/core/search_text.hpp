// Full-text search terms: what a text is indexed under and what a query looks for.
//
// A text is cut into words (letters and digits; an inner @ . - _ + keeps an e-mail
// address or an order number such as ORD-1234 one word, and its parts are words too).
// Each word is indexed as written (lower-case) and as its Snowball stem in Finnish,
// Swedish and English, so "tilauksen" finds "tilaukset" and "ordered" finds "orders"
// whatever language the chat is in: a shop's visitors mix languages, and guessing the
// language of a two-word chat message is less reliable than indexing every stem
// (Estonian has no stemmer in Debian's libstemmer 2.2: Estonian words match as written).
//
// Pure functions, safe from any thread (each thread has its own stemmers).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace juttu::core::search {

// The longest query searched for, and the most words of it.
inline constexpr std::size_t max_query_bytes = 200;
inline constexpr std::size_t max_query_words = 10;

struct Word {
    std::size_t offset = 0;  // in bytes, into the text
    std::size_t length = 0;
    std::string folded;  // lower-case
};

// The words of a UTF-8 text, in order.
std::vector<Word> words_of(std::string_view text);

// What one word is indexed under: its folded form, its stems and, for a compound word
// (an e-mail address), its parts; no duplicates.
std::vector<std::string> terms_of(const Word& word);

// The space-separated terms a text is indexed under (the FTS5 column's value).
std::string index_terms(std::string_view text);

// A query: for each of its words, the terms any of which may match.
struct Query {
    std::vector<std::vector<std::string>> words;
    bool empty() const { return words.empty(); }
};

// The query's words (at most max_query_words); empty when it has none.
Query parse_query(std::string_view text);

// The FTS5 MATCH expression: every word, each by any of its terms (quoted, so the
// user's text is never FTS5 syntax).
std::string match_expression(const Query& query);

// A piece of a snippet; `marked` pieces are the words that matched.
struct Segment {
    std::string text;
    bool marked = false;
};

// Up to about max_bytes of `text` around its first matching word, cut between words
// (an ellipsis where it was cut), split into marked and plain segments.
std::vector<Segment> highlight(std::string_view text, const Query& query,
                               std::size_t max_bytes = 240);

}  // namespace juttu::core::search
