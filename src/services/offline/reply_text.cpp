#include "services/offline/reply_text.hpp"

#include <cctype>

namespace juttu::services {

namespace {

std::string primary_subtag(std::string_view tag) {
    std::string primary;
    for (const char c : tag.substr(0, tag.find_first_of("-_"))) {
        primary += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return primary;
}

}  // namespace

ReplyText reply_text(std::string_view language, std::string_view site_name,
                     std::string_view agent_name) {
    const std::string site(site_name);
    const std::string agent(agent_name);
    const auto primary = primary_subtag(language);
    if (primary == "fi") {
        return {"Vastaus viestiisi: " + site, agent + ", " + site};
    }
    if (primary == "et") {
        return {"Vastus teie sõnumile: " + site, agent + ", " + site};
    }
    if (primary == "sv") {
        return {"Svar på ditt meddelande till " + site, agent + ", " + site};
    }
    return {"Re: your message to " + site, agent + ", " + site};
}

}  // namespace juttu::services
