#include "core/search_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace juttu::core::search {
namespace {

bool has(const std::vector<std::string>& terms, const std::string& term) {
    return std::find(terms.begin(), terms.end(), term) != terms.end();
}

// Whether `query` finds `text` as the index does: every query word by one of its terms.
bool finds(std::string_view query, std::string_view text) {
    const auto indexed = words_of(text);
    std::vector<std::string> terms;
    for (const auto& word : indexed) {
        for (auto& term : terms_of(word)) terms.push_back(std::move(term));
    }
    const auto parsed = parse_query(query);
    if (parsed.empty()) return false;
    return std::all_of(parsed.words.begin(), parsed.words.end(), [&](const auto& alternatives) {
        return std::any_of(alternatives.begin(), alternatives.end(),
                           [&](const std::string& term) { return has(terms, term); });
    });
}

TEST(SearchText, WordsAreFoldedWithTheirOffsets) {
    const auto words = words_of("Hei! Missä TILAUS on, Åsa?");
    ASSERT_EQ(words.size(), 5u);
    EXPECT_EQ(words[0].folded, "hei");
    EXPECT_EQ(words[1].folded, "missä");
    EXPECT_EQ(words[2].folded, "tilaus");
    EXPECT_EQ(words[2].offset, 12u);
    EXPECT_EQ(words[2].length, 6u);
    EXPECT_EQ(words[4].folded, "åsa");
}

TEST(SearchText, AnEmailAddressAndAnOrderNumberStayWhole) {
    const auto words = words_of("Mail anna.K@Example.com. Order ORD-1234, please.");
    ASSERT_EQ(words.size(), 5u);
    EXPECT_EQ(words[1].folded, "anna.k@example.com");  // the sentence's dot is not part of it
    EXPECT_EQ(words[3].folded, "ord-1234");
    const auto terms = terms_of(words[3]);
    EXPECT_TRUE(has(terms, "ord-1234"));
    EXPECT_TRUE(has(terms, "1234"));  // its parts are found too
}

TEST(SearchText, FinnishInflectionsMeetAtTheirStem) {
    EXPECT_TRUE(finds("tilauksen", "Tilaukset lähtevät huomenna"));
    EXPECT_TRUE(finds("tilauksesta", "Kysyn tilauksen tilaa"));
    EXPECT_TRUE(finds("paketin", "Paketti on matkalla"));
    EXPECT_FALSE(finds("paketin", "Lasku on matkalla"));
}

TEST(SearchText, EnglishAndSwedishInflectionsToo) {
    EXPECT_TRUE(finds("ordered", "Where are my orders?"));
    EXPECT_TRUE(finds("beställningen", "Min beställning kom inte"));
}

TEST(SearchText, AnAddressIsLookedForWholeAndEveryWordMustMatch) {
    EXPECT_TRUE(finds("anna@example.com", "write to anna@example.com please"));
    EXPECT_FALSE(finds("anna@example.com", "anna wrote from example.com"));
    EXPECT_TRUE(finds("1234", "order ORD-1234 is late"));
    EXPECT_FALSE(finds("order late", "order 1234 arrived"));
}

TEST(SearchText, TheMatchExpressionQuotesEveryTerm) {
    const auto query = parse_query("\"drop\" OR NEAR(x) tilauksen*");
    const auto expression = match_expression(query);
    EXPECT_EQ(expression.find("NEAR("), std::string::npos);
    EXPECT_NE(expression.find("\"tilauks\""), std::string::npos);
    EXPECT_NE(expression.find(" AND "), std::string::npos);
    EXPECT_TRUE(parse_query("!!! ... ---").empty());
}

TEST(SearchText, AQueryKeepsAtMostTenWords) {
    EXPECT_EQ(parse_query("a b c d e f g h i j k l").words.size(), max_query_words);
}

TEST(SearchText, HighlightMarksTheMatchingWords) {
    const auto query = parse_query("tilauksen");
    const auto segments = highlight("Missä tilaukseni? Tilaukset ovat myöhässä.", query);
    std::string joined;
    std::vector<std::string> marked;
    for (const auto& segment : segments) {
        joined += segment.text;
        if (segment.marked) marked.push_back(segment.text);
    }
    EXPECT_EQ(joined, "Missä tilaukseni? Tilaukset ovat myöhässä.");
    ASSERT_EQ(marked.size(), 1u);
    EXPECT_EQ(marked[0], "Tilaukset");
}

TEST(SearchText, ALongTextIsCutAroundTheFirstMatch) {
    std::string text;
    for (int i = 0; i < 60; ++i) text += "sana ";
    text += "tilaus ";
    for (int i = 0; i < 60; ++i) text += "sana ";
    const auto segments = highlight(text, parse_query("tilaus"), 100);
    ASSERT_GE(segments.size(), 3u);
    EXPECT_TRUE(segments.front().text.starts_with("…"));
    EXPECT_TRUE(segments.back().text.ends_with("…"));
    std::size_t bytes = 0;
    bool found = false;
    for (const auto& segment : segments) {
        bytes += segment.text.size();
        found = found || (segment.marked && segment.text == "tilaus");
    }
    EXPECT_TRUE(found);
    EXPECT_LE(bytes, 100u + 2 * std::string("…").size());
}

}  // namespace
}  // namespace juttu::core::search
