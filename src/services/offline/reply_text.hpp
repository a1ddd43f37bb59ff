// The words of a reply e-mail, in the visitor's language (en, fi, et or sv, from the
// language their browser reported; English otherwise).
#pragma once

#include <string>
#include <string_view>

namespace juttu::services {

struct ReplyText {
    std::string subject;
    std::string signature;  // the lines after the reply: who wrote it, for which shop
};

// `language` is a BCP 47 tag such as "fi-FI" ("" = unknown).
ReplyText reply_text(std::string_view language, std::string_view site_name,
                     std::string_view agent_name);

}  // namespace juttu::services
