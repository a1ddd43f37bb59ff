#include "core/site_texts.hpp"

#include <algorithm>
#include <cctype>

namespace juttu::core {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string primary_language(std::string_view tag) { return lower(tag.substr(0, tag.find('-'))); }

int best_language_match(const std::vector<std::string>& candidates,
                        const std::vector<std::string>& languages) {
    for (const auto& language : languages) {
        if (language.empty()) continue;
        const auto wanted = lower(language);
        const auto wanted_primary = primary_language(language);
        int primary_match = -1;  // "sv" for "sv-FI"
        int sibling_match = -1;  // "sv-SE" for "sv-FI" or "sv"
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            const auto candidate = lower(candidates[i]);
            if (candidate == wanted) return static_cast<int>(i);
            if (primary_match < 0 && candidate == wanted_primary) {
                primary_match = static_cast<int>(i);
            }
            if (sibling_match < 0 && primary_language(candidate) == wanted_primary) {
                sibling_match = static_cast<int>(i);
            }
        }
        if (primary_match >= 0) return primary_match;
        if (sibling_match >= 0) return sibling_match;
    }
    return -1;
}

SiteTexts texts_for(const Site& site, const std::vector<std::string>& languages) {
    SiteTexts texts{"", site.greeting, site.offline_message};
    std::vector<std::string> tags;
    for (const auto& translation : site.translations) tags.push_back(translation.language);
    const int found = best_language_match(tags, languages);
    if (found < 0) return texts;
    const auto& translation = site.translations[static_cast<std::size_t>(found)];
    texts.language = translation.language;
    if (!translation.greeting.empty()) texts.greeting = translation.greeting;
    if (!translation.offline_message.empty()) texts.offline_message = translation.offline_message;
    return texts;
}

}  // namespace juttu::core
