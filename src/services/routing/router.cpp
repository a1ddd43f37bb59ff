#include "services/routing/router.hpp"

#include <algorithm>
#include <set>

#include "core/queue_estimate.hpp"
#include "core/validation.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

bool waits(const core::Conversation& conversation) {
    return conversation.status == core::ConversationStatus::open && !conversation.assignee_id &&
           conversation.channel == core::Channel::chat;
}

// Agents online (of the team, when there is one): how many serve this queue.
int serving_agents(const std::vector<core::AgentLoad>& loads, std::optional<core::Id> team_id) {
    return static_cast<int>(std::count_if(loads.begin(), loads.end(), [&](const auto& load) {
        const bool member = !team_id || std::find(load.team_ids.begin(), load.team_ids.end(),
                                                  *team_id) != load.team_ids.end();
        return member && load.availability == core::Availability::online;
    }));
}

}  // namespace

Router::Router(store::Store& store, Presence& presence, Notes& notes, EventSink& events,
               const core::Clock& clock, Defer defer)
    : store_(store),
      presence_(presence),
      notes_(notes),
      events_(events),
      clock_(clock),
      defer_(std::move(defer)) {}

// --- What asks for a pass ---

void Router::conversation_changed(const core::Conversation& conversation) {
    if (conversation.status == core::ConversationStatus::closed && conversation.closed_at &&
        conversation.first_assigned_at) {
        // A finished chat teaches the queue estimate how long chats last.
        const auto sample = *conversation.closed_at - *conversation.first_assigned_at;
        std::lock_guard lock(mutex_);
        auto& average = state(conversation.workspace_id).average_handle_ms;
        average = core::rolling_average(average, sample);
    }
    request(conversation.workspace_id);
}

void Router::availability_changed(core::Id workspace_id, core::Id, core::Availability) {
    request(workspace_id);
}

void Router::agent_changed(const core::Agent& agent) { request(agent.workspace_id); }

void Router::site_changed(const core::Site& site) { request(site.workspace_id); }

void Router::routing_changed(core::Id workspace_id) { request(workspace_id); }

Router::WorkspaceState& Router::state(core::Id workspace_id) {
    auto& slot = workspaces_[workspace_id];
    if (!slot) slot = std::make_unique<WorkspaceState>();
    return *slot;
}

void Router::request(core::Id workspace_id) {
    {
        std::lock_guard lock(mutex_);
        auto& workspace = state(workspace_id);
        if (workspace.pass_requested) return;
        workspace.pass_requested = true;
    }
    defer_([this, workspace_id] { route(workspace_id); });
}

core::TimeMs Router::average_handle(core::Id workspace_id) {
    std::lock_guard lock(mutex_);
    return state(workspace_id).average_handle_ms;
}

// --- The pass ---

void Router::route(core::Id workspace_id) {
    WorkspaceState* workspace = nullptr;
    {
        std::lock_guard lock(mutex_);
        workspace = &state(workspace_id);
    }
    std::lock_guard routing(workspace->routing);
    {
        // Taken only now, with the routing lock: changes from here on ask for one more pass,
        // and requests made while this pass waited for the lock are served by it (at most
        // one pass runs and one waits, per workspace).
        std::lock_guard lock(mutex_);
        workspace->pass_requested = false;
    }
    auto agent_loads = loads(workspace_id, workspace->last_assigned);
    const auto waiting = hand_out(workspace_id, *workspace, agent_loads);
    announce(*workspace, places(waiting, agent_loads, average_handle(workspace_id)));
}

std::vector<core::Conversation> Router::whole_queue(core::Id workspace_id) {
    std::vector<core::Conversation> queue;
    while (queue.size() < max_queue) {
        const auto* last = queue.empty() ? nullptr : &queue.back();
        auto page = store_.list_queue(workspace_id, queue_page, last ? last->created_at : 0,
                                      last ? last->id : 0);
        const bool more = page.size() == static_cast<std::size_t>(queue_page);
        std::move(page.begin(), page.end(), std::back_inserter(queue));
        if (!more) break;
    }
    return queue;
}

std::vector<core::AgentLoad> Router::loads(core::Id workspace_id,
                                           const std::map<core::Id, core::TimeMs>& last_assigned) {
    const auto open_chats = store_.count_open_chats(workspace_id);
    std::vector<core::AgentLoad> loads;
    for (const auto& agent : store_.list_agents(workspace_id)) {
        if (agent.disabled) continue;
        core::AgentLoad load;
        load.agent_id = agent.id;
        // Within the grace after its last connection closed an agent still shows online,
        // but nobody would see a chat routed to it.
        const auto shown = presence_.availability(agent.id);
        load.availability = shown == core::Availability::online && !presence_.routable(agent.id)
                                ? core::Availability::away
                                : shown;
        const auto count = open_chats.find(agent.id);
        load.open_chats = count == open_chats.end() ? 0 : count->second;
        load.capacity = agent.capacity;
        const auto last = last_assigned.find(agent.id);
        load.last_assigned_at = last == last_assigned.end() ? 0 : last->second;
        load.team_ids = agent.team_ids;
        load.languages = agent.languages;
        loads.push_back(std::move(load));
    }
    return loads;
}

std::vector<core::Conversation> Router::hand_out(core::Id workspace_id, WorkspaceState& state,
                                                 std::vector<core::AgentLoad>& loads) {
    auto queue = whole_queue(workspace_id);
    if (queue.empty()) return queue;
    std::set<core::Id> manual_sites;
    for (const auto& site : store_.list_sites(workspace_id)) {
        if (site.routing == core::RoutingMode::manual) manual_sites.insert(site.id);
    }
    std::vector<core::Conversation> waiting;
    for (auto& conversation : queue) {
        if (manual_sites.count(conversation.site_id) != 0 ||
            core::free_capacity(loads, conversation.team_id) == 0) {
            waiting.push_back(std::move(conversation));
            continue;
        }
        core::RoutingRequest request{conversation.team_id, ""};
        if (auto contact = store_.find_contact(workspace_id, conversation.contact_id)) {
            request.language = contact->attributes["language"];
        }
        const auto chosen = core::choose_agent(loads, request);
        if (!chosen) {
            waiting.push_back(std::move(conversation));
            continue;
        }
        const auto now = clock_.now_ms();
        // Conditional on the conversation still waiting and on the agent's load at the moment
        // of the write: an agent may have taken chats by hand since the loads were read.
        auto claimed = store_.claim_conversation(workspace_id, conversation.id, *chosen, now, true);
        if (!claimed) {
            loads = this->loads(workspace_id, state.last_assigned);
            auto now_conversation = store_.find_conversation(workspace_id, conversation.id);
            if (now_conversation && waits(*now_conversation)) {
                waiting.push_back(std::move(*now_conversation));
            }
            continue;
        }
        for (auto& load : loads) {
            if (load.agent_id == *chosen) ++load.open_chats;
        }
        state.last_assigned[*chosen] = now;
        events_.conversation_changed(*claimed);
    }
    return waiting;
}

std::vector<QueueEntry> Router::places(const std::vector<core::Conversation>& waiting,
                                       const std::vector<core::AgentLoad>& loads,
                                       core::TimeMs average_handle_ms) const {
    // A chat for a team waits behind the earlier chats of its team and those for anyone;
    // a chat for anyone waits behind every earlier chat.
    std::map<core::Id, int> ahead_by_team;
    int ahead_for_anyone = 0;
    int ahead_total = 0;
    std::vector<QueueEntry> entries;
    for (const auto& conversation : waiting) {
        const int ahead = conversation.team_id
                              ? ahead_by_team[*conversation.team_id] + ahead_for_anyone
                              : ahead_total;
        QueueEntry entry{conversation, {}};
        entry.place = QueuePlace{conversation.workspace_id, conversation.contact_id,
                                 conversation.id, ahead + 1, std::nullopt};
        if (const int serving = serving_agents(loads, conversation.team_id); serving > 0) {
            entry.place.estimated_wait_ms =
                core::estimated_wait(entry.place.position, serving, average_handle_ms);
        }
        entries.push_back(std::move(entry));
        ++ahead_total;
        if (conversation.team_id) {
            ++ahead_by_team[*conversation.team_id];
        } else {
            ++ahead_for_anyone;
        }
    }
    return entries;
}

void Router::announce(WorkspaceState& state, const std::vector<QueueEntry>& entries) {
    std::set<core::Id> still_waiting;
    for (const auto& entry : entries) {
        still_waiting.insert(entry.conversation.id);
        auto& told = state.announced[entry.conversation.id];
        if (told == entry.place) continue;
        told = entry.place;
        events_.queue_moved(entry.place);
    }
    // Out of the queue: taken by an agent, closed, or handed elsewhere.
    for (auto it = state.announced.begin(); it != state.announced.end();) {
        if (still_waiting.count(it->first) != 0) {
            ++it;
            continue;
        }
        QueuePlace left = it->second;
        left.position = 0;
        left.estimated_wait_ms = std::nullopt;
        events_.queue_moved(left);
        it = state.announced.erase(it);
    }
}

// --- Reading the queue ---

std::vector<QueueEntry> Router::queue(core::Id workspace_id) {
    // Without the routing lock: a reader never waits for a pass. Places only need who is
    // online, not when each agent was last given a chat.
    const auto agent_loads = loads(workspace_id, {});
    return places(whole_queue(workspace_id), agent_loads, average_handle(workspace_id));
}

std::optional<QueuePlace> Router::place(const core::Conversation& conversation) {
    if (!waits(conversation)) return std::nullopt;
    for (const auto& entry : queue(conversation.workspace_id)) {
        if (entry.conversation.id == conversation.id) return entry.place;
    }
    return std::nullopt;
}

// --- Transfer ---

core::Result<core::Conversation> Router::transfer(const core::Agent& by, core::Id conversation_id,
                                                  TransferTarget target, const std::string& note) {
    const auto workspace_id = by.workspace_id;
    if (target.agent_id.has_value() == target.team_id.has_value()) {
        return fail(ErrorCode::validation_failed, "give exactly one of agent_id and team_id");
    }
    if (auto problem = note.empty() ? std::nullopt : core::message_body_problem(note)) {
        return fail(ErrorCode::validation_failed, "note: " + *problem);
    }
    auto conversation = store_.find_conversation(workspace_id, conversation_id);
    if (!conversation) return fail(ErrorCode::not_found, "no such conversation");
    if (conversation->status == core::ConversationStatus::closed) {
        return fail(ErrorCode::conversation_closed, "the conversation is closed");
    }
    std::optional<core::Conversation> moved;
    const auto now = clock_.now_ms();
    if (target.agent_id) {
        auto agent = store_.find_agent(workspace_id, *target.agent_id);
        if (!agent || agent->disabled) return fail(ErrorCode::not_found, "no such agent");
        moved = store_.assign_conversation(workspace_id, conversation_id, agent->id, now);
    } else {
        if (!store_.find_team(workspace_id, *target.team_id)) {
            return fail(ErrorCode::not_found, "no such team");
        }
        moved = store_.set_conversation_team(workspace_id, conversation_id, target.team_id, now);
    }
    if (!moved) return fail(ErrorCode::not_found, "no such conversation");
    if (!note.empty()) {
        auto added = notes_.add(by, conversation_id, note);
        if (!added.ok()) return added.error();
    }
    events_.conversation_changed(*moved);
    return *moved;
}

}  // namespace juttu::services
