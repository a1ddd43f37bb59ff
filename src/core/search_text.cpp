#include "core/search_text.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <memory>

namespace juttu::core::search {

namespace {

// Stems longer words than any real one are not worth the stemmer's time.
constexpr std::size_t max_stemmed_bytes = 64;
// How much of the text before the first match a snippet shows.
constexpr std::size_t context_before = 60;

bool is_joiner(char c) { return c == '@' || c == '.' || c == '-' || c == '_' || c == '+'; }

struct CodePoint {
    char32_t value = 0;
    std::size_t length = 1;  // bytes; 1 for a byte that does not start a valid sequence
    bool valid = false;
};

CodePoint decode(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {lead, 1, true};
    std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || at + length > text.size()) return {};
    char32_t value = lead & (0x3F >> (length - 1));
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) return {};
        value = (value << 6) | (next & 0x3F);
    }
    return {value, length, true};
}

// Letters and digits; outside ASCII, everything but the punctuation, symbol and space
// blocks that chat text uses (an approximation that needs no Unicode tables).
bool is_word_char(char32_t c) {
    if (c < 0x80) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7) return false;
    if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows
    if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
    if (c >= 0xFE00 && c <= 0xFE0F) return false;  // variation selectors
    if (c >= 0x1F000) return false;                // emoji and pictographs
    return true;
}

// Lower case for ASCII, Latin-1, Latin Extended-A (š, ž, õ ...) and basic Cyrillic.
char32_t fold(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c >= 0x100 && c <= 0x17F) {
        const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
        if (odd_upper ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
        return c;
    }
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

bool is_word_at(std::string_view text, std::size_t at) {
    const CodePoint c = decode(text, at);
    return c.valid && is_word_char(c.value);
}

// One stemmer per language and thread: a stemmer keeps state between calls.
class Stemmers {
public:
    Stemmers() {
        for (std::size_t i = 0; i < languages.size(); ++i) {
            stemmers_[i].reset(sb_stemmer_new(languages[i], "UTF_8"));
        }
    }

    void add_stems(const std::string& word, std::vector<std::string>& out) {
        for (auto& stemmer : stemmers_) {
            if (!stemmer) continue;
            const sb_symbol* stem =
                sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                static_cast<int>(word.size()));
            if (stem == nullptr) continue;
            std::string text(reinterpret_cast<const char*>(stem),
                             static_cast<std::size_t>(sb_stemmer_length(stemmer.get())));
            if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) {
                out.push_back(std::move(text));
            }
        }
    }

private:
    static constexpr std::array<const char*, 3> languages{"finnish", "swedish", "english"};
    struct Free {
        void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
    };
    std::array<std::unique_ptr<sb_stemmer, Free>, languages.size()> stemmers_;
};

Stemmers& stemmers() {
    thread_local Stemmers per_thread;
    return per_thread;
}

bool has_letter(const std::string& word) {
    return std::any_of(word.begin(), word.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x80 || (c >= 'a' && c <= 'z');
    });
}

bool is_compound(const Word& word) {
    return std::any_of(word.folded.begin(), word.folded.end(), is_joiner);
}

void add_unique(std::vector<std::string>& out, std::string term) {
    if (!term.empty() && std::find(out.begin(), out.end(), term) == out.end()) {
        out.push_back(std::move(term));
    }
}

std::vector<std::string> parts_of(const std::string& compound) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : compound) {
        if (is_joiner(c)) {
            add_unique(parts, std::move(part));
            part.clear();
        } else {
            part += c;
        }
    }
    add_unique(parts, std::move(part));
    return parts;
}

// A word starting at `at`: its end, including inner joiners followed by a word char.
std::size_t word_end(std::string_view text, std::size_t at) {
    std::size_t end = at;
    while (end < text.size()) {
        if (is_word_at(text, end)) {
            end += decode(text, end).length;
        } else if (is_joiner(text[end]) && end + 1 < text.size() && is_word_at(text, end + 1)) {
            ++end;
        } else {
            break;
        }
    }
    return end;
}

std::string folded(std::string_view word) {
    std::string out;
    out.reserve(word.size());
    for (std::size_t at = 0; at < word.size();) {
        const CodePoint c = decode(word, at);
        if (c.valid) append_utf8(out, fold(c.value));
        at += c.length;
    }
    return out;
}

std::set<std::string> all_terms(const Query& query) {
    std::set<std::string> terms;
    for (const auto& word : query.words) terms.insert(word.begin(), word.end());
    return terms;
}

bool matches(const Word& word, const std::set<std::string>& terms) {
    const auto candidates = terms_of(word);
    return std::any_of(candidates.begin(), candidates.end(),
                       [&](const std::string& term) { return terms.contains(term); });
}

// Cuts `text` back to whole characters of at most `max` bytes.
std::size_t whole_characters(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text.size();
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

}  // namespace

std::vector<Word> words_of(std::string_view text) {
    std::vector<Word> words;
    for (std::size_t at = 0; at < text.size();) {
        if (!is_word_at(text, at)) {
            ++at;
            continue;
        }
        const std::size_t end = word_end(text, at);
        words.push_back({at, end - at, folded(text.substr(at, end - at))});
        at = end;
    }
    return words;
}

std::vector<std::string> terms_of(const Word& word) {
    std::vector<std::string> terms{word.folded};
    if (is_compound(word)) {
        for (auto& part : parts_of(word.folded)) add_unique(terms, std::move(part));
    } else if (word.folded.size() <= max_stemmed_bytes && has_letter(word.folded)) {
        stemmers().add_stems(word.folded, terms);
    }
    return terms;
}

std::string index_terms(std::string_view text) {
    std::string out;
    for (const Word& word : words_of(text)) {
        for (const std::string& term : terms_of(word)) {
            if (!out.empty()) out += ' ';
            out += term;
        }
    }
    return out;
}

Query parse_query(std::string_view text) {
    Query query;
    for (const Word& word : words_of(text.substr(0, whole_characters(text, max_query_bytes)))) {
        if (query.words.size() == max_query_words) break;
        // An e-mail address or an order number is looked for whole, not by its parts.
        query.words.push_back(is_compound(word) ? std::vector<std::string>{word.folded}
                                                : terms_of(word));
    }
    return query;
}

std::string match_expression(const Query& query) {
    std::string expression;
    for (const auto& terms : query.words) {
        if (!expression.empty()) expression += " AND ";
        expression += '(';
        for (std::size_t i = 0; i < terms.size(); ++i) {
            if (i > 0) expression += " OR ";
            // Terms hold no quote (words are letters, digits and joiners): quoting makes
            // each one a plain string to FTS5.
            expression += '"' + terms[i] + '"';
        }
        expression += ')';
    }
    return expression;
}

std::vector<Segment> highlight(std::string_view text, const Query& query, std::size_t max_bytes) {
    const auto terms = all_terms(query);
    const auto words = words_of(text);
    std::vector<bool> marked(words.size(), false);
    std::size_t first = words.size();
    for (std::size_t i = 0; i < words.size(); ++i) {
        marked[i] = matches(words[i], terms);
        if (marked[i] && first == words.size()) first = i;
    }
    // The snippet starts at a word a little before the first match (the text's start
    // when that is close) and ends at the last word that fits.
    std::size_t start = 0;
    if (first < words.size() && words[first].offset > context_before) {
        std::size_t from = first;
        while (from > 0 && words[first].offset - words[from - 1].offset <= context_before) --from;
        start = words[from].offset;
    }
    std::size_t end = text.size();
    if (end - start > max_bytes) {
        end = start + whole_characters(text.substr(start), max_bytes);
        for (const Word& word : words) {
            if (word.offset >= start && word.offset + word.length > end) {
                if (word.offset > start) end = word.offset;
                break;
            }
        }
    }
    std::vector<Segment> segments;
    auto plain = [&](std::size_t from, std::size_t to) {
        if (to <= from) return;
        if (!segments.empty() && !segments.back().marked) {
            segments.back().text.append(text.substr(from, to - from));
        } else {
            segments.push_back({std::string(text.substr(from, to - from)), false});
        }
    };
    if (start > 0) segments.push_back({"…", false});
    std::size_t at = start;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const Word& word = words[i];
        if (!marked[i] || word.offset < start || word.offset + word.length > end) continue;
        plain(at, word.offset);
        segments.push_back({std::string(text.substr(word.offset, word.length)), true});
        at = word.offset + word.length;
    }
    plain(at, end);
    if (end < text.size()) segments.push_back({"…", false});
    return segments;
}

}  // namespace juttu::core::search
