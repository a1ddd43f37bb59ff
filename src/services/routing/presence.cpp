#include "services/routing/presence.hpp"

#include <algorithm>

namespace juttu::services {

using core::Availability;

Presence::Presence(EventSink& events, const core::Clock& clock, core::TimeMs offline_grace_ms)
    : events_(events), clock_(clock), offline_grace_ms_(offline_grace_ms) {}

void Presence::show(core::Id agent_id, State& state, Availability availability,
                    std::vector<Change>& changes) {
    if (state.shown == availability) return;
    state.shown = availability;
    changes.push_back(Change{state.workspace_id, agent_id, availability});
}

void Presence::announce(const std::vector<Change>& changes) {
    for (const auto& change : changes) {
        events_.availability_changed(change.workspace_id, change.agent_id, change.availability);
    }
}

void Presence::connected(const core::Agent& agent) {
    std::vector<Change> changes;
    bool back_within_grace = false;
    {
        std::lock_guard lock(mutex_);
        auto& state = agents_[agent.id];
        state.workspace_id = agent.workspace_id;
        back_within_grace = ++state.connections == 1 && state.shown == state.chosen;
        show(agent.id, state, state.chosen, changes);
    }
    announce(changes);
    // Nothing others see changed, but the agent can be routed chats again.
    if (back_within_grace) events_.routing_changed(agent.workspace_id);
}

void Presence::disconnected(const core::Agent& agent) {
    std::lock_guard lock(mutex_);
    auto it = agents_.find(agent.id);
    if (it == agents_.end() || it->second.connections == 0) return;
    if (--it->second.connections == 0) it->second.last_disconnect = clock_.now_ms();
}

void Presence::choose(const core::Agent& agent, Availability availability) {
    std::vector<Change> changes;
    {
        std::lock_guard lock(mutex_);
        auto& state = agents_[agent.id];
        state.workspace_id = agent.workspace_id;
        state.chosen = availability;
        if (state.connections > 0) show(agent.id, state, availability, changes);
    }
    announce(changes);
}

void Presence::expire() {
    std::vector<Change> changes;
    {
        std::lock_guard lock(mutex_);
        const auto now = clock_.now_ms();
        for (auto& [agent_id, state] : agents_) {
            if (state.connections == 0 && now - state.last_disconnect >= offline_grace_ms_) {
                show(agent_id, state, Availability::offline, changes);
            }
        }
    }
    announce(changes);
}

Availability Presence::availability(core::Id agent_id) const {
    std::lock_guard lock(mutex_);
    auto it = agents_.find(agent_id);
    return it == agents_.end() ? Availability::offline : it->second.shown;
}

bool Presence::routable(core::Id agent_id) const {
    std::lock_guard lock(mutex_);
    auto it = agents_.find(agent_id);
    return it != agents_.end() && it->second.connections > 0 &&
           it->second.shown == Availability::online;
}

bool Presence::anyone_online(core::Id workspace_id) const {
    std::lock_guard lock(mutex_);
    return std::any_of(agents_.begin(), agents_.end(), [workspace_id](const auto& entry) {
        return entry.second.workspace_id == workspace_id &&
               entry.second.shown == Availability::online;
    });
}

}  // namespace juttu::services
