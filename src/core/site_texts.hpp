// Which of a site's texts a visitor sees: the translation for the visitor's language
// (the page's first, then the browser's), each text falling back to the site's own.
// Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace juttu::core {

// The greeting and offline message of the translation that best serves `languages`
// (best_language_match); a translation's empty text, or no translation, gives the
// site's own.
// The result's language is the translation's ("" for the site's own texts).
SiteTexts texts_for(const Site& site, const std::vector<std::string>& languages);

// Lower-case primary subtag of a BCP 47 tag: "sv" for "sv-FI".
std::string primary_language(std::string_view tag);

// Which of `candidates` (tags) best serves `languages` (tags, most wanted first): for the
// first language any candidate serves, the candidate with the same tag, else the one
// that is its primary subtag ("sv" for "sv-FI"), else one with the same primary subtag
// ("sv-SE" for "sv-FI"); case-insensitive. Its index, or -1.
int best_language_match(const std::vector<std::string>& candidates,
                        const std::vector<std::string>& languages);

}  // namespace juttu::core
