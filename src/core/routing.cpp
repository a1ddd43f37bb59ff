#include "core/routing.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>

namespace juttu::core {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// "fi-FI" -> "fi"; "zh_Hant" -> "zh" (underscores are common in the wild, though not BCP 47).
std::string_view primary_subtag(std::string_view tag) {
    return tag.substr(0, tag.find_first_of("-_"));
}

bool same_language(std::string_view a, std::string_view b) {
    a = primary_subtag(a);
    b = primary_subtag(b);
    return !a.empty() && a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return lower(x) == lower(y); });
}

bool in_team(const AgentLoad& agent, std::optional<Id> team_id) {
    return !team_id || std::find(agent.team_ids.begin(), agent.team_ids.end(), *team_id) !=
                           agent.team_ids.end();
}

bool has_room(const AgentLoad& agent) {
    return agent.availability == Availability::online && agent.open_chats < agent.capacity;
}

bool speaks(const AgentLoad& agent, std::string_view language) {
    return std::any_of(
        agent.languages.begin(), agent.languages.end(),
        [language](const std::string& spoken) { return same_language(spoken, language); });
}

// 64-bit so that extreme counts cannot overflow.
std::int64_t room(const AgentLoad& agent) {
    return std::int64_t{agent.capacity} - std::int64_t{agent.open_chats};
}

// True when a should be chosen over b.
bool better(const AgentLoad& a, const AgentLoad& b) {
    if (room(a) != room(b)) return room(a) > room(b);
    if (a.last_assigned_at != b.last_assigned_at) return a.last_assigned_at < b.last_assigned_at;
    return a.agent_id < b.agent_id;
}

}  // namespace

std::optional<Id> choose_agent(const std::vector<AgentLoad>& agents,
                               const RoutingRequest& request) {
    std::vector<const AgentLoad*> eligible;
    for (const AgentLoad& agent : agents) {
        if (has_room(agent) && in_team(agent, request.team_id)) eligible.push_back(&agent);
    }
    if (!primary_subtag(request.language).empty()) {
        std::vector<const AgentLoad*> speakers;
        for (const AgentLoad* agent : eligible) {
            if (speaks(*agent, request.language)) speakers.push_back(agent);
        }
        if (!speakers.empty()) eligible = std::move(speakers);
    }
    if (eligible.empty()) return std::nullopt;
    const AgentLoad* best =
        *std::min_element(eligible.begin(), eligible.end(),
                          [](const AgentLoad* a, const AgentLoad* b) { return better(*a, *b); });
    return best->agent_id;
}

int free_capacity(const std::vector<AgentLoad>& agents, std::optional<Id> team_id) {
    std::int64_t total = 0;
    for (const AgentLoad& agent : agents) {
        if (has_room(agent) && in_team(agent, team_id)) total += room(agent);
    }
    return static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max()));
}

}  // namespace juttu::core
