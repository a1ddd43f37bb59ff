// Which agent takes a new conversation. Pure: the caller snapshots the agents' loads and
// applies the choice atomically (the capacity bound is the caller's to hold under concurrency).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace juttu::core {

struct AgentLoad {
    Id agent_id = 0;
    Availability availability = Availability::offline;
    int open_chats = 0;
    int capacity = 0;             // maximum concurrent open chats
    TimeMs last_assigned_at = 0;  // 0 = never
    std::vector<Id> team_ids;
    std::vector<std::string> languages;  // e.g. "fi", "en"; a full tag such as "en-GB" also works
};

struct RoutingRequest {
    std::optional<Id> team_id;  // nullopt = any agent of the site's workspace
    std::string language;       // the visitor's BCP 47 tag, e.g. "fi-FI"; "" = unknown
};

// The agent to assign, or nullopt when nobody can take the chat (the visitor queues).
// 1. Eligible: online, open_chats < capacity, and a member of request.team_id when it is set.
// 2. Language is a preference, not a requirement: when the request's language is known and some
//    eligible agent speaks it (primary subtags compared case-insensitively, "fi-FI" ~ "FI"),
//    only those agents remain; when nobody does, every eligible agent does.
// 3. The most free capacity (capacity - open_chats) wins; then the one idle longest (smallest
//    last_assigned_at, so never-assigned first); then the lowest agent_id, so the choice is
//    deterministic.
std::optional<Id> choose_agent(const std::vector<AgentLoad>& agents, const RoutingRequest& request);

// Sum of capacity - open_chats over online agents (of team_id when set) that have room; never
// negative, saturates at INT_MAX. Zero means a new visitor would queue.
int free_capacity(const std::vector<AgentLoad>& agents, std::optional<Id> team_id);

}  // namespace juttu::core
