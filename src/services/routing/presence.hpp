// Who can take chats right now: each agent's availability, from the agent's own choice
// (online / away / offline) and whether any of its connections is open. An agent whose
// connections are all gone for longer than the grace period (a reload, a flaky network
// should not flip it) becomes offline by itself. The grace keeps only the status: an agent
// with no open connection is never routed new chats (`routable`), and reconnecting asks the
// router to look at the queue again.
//
// In memory, for one node. Thread-safe; events are emitted outside the lock.
#pragma once

#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/types.hpp"
#include "services/events.hpp"

namespace juttu::services {

class Presence {
public:
    Presence(EventSink& events, const core::Clock& clock, core::TimeMs offline_grace_ms);

    void connected(const core::Agent& agent);
    void disconnected(const core::Agent& agent);
    // The agent's own choice; what others see while it has a connection.
    void choose(const core::Agent& agent, core::Availability availability);
    // Takes offline the agents gone for longer than the grace period; call about once a
    // second.
    void expire();

    core::Availability availability(core::Id agent_id) const;
    // Online with at least one open connection: may be given new chats.
    bool routable(core::Id agent_id) const;
    // Whether any agent of the workspace is online.
    bool anyone_online(core::Id workspace_id) const;

private:
    struct State {
        core::Id workspace_id = 0;
        int connections = 0;
        core::Availability chosen = core::Availability::online;
        core::Availability shown = core::Availability::offline;
        core::TimeMs last_disconnect = 0;
    };
    struct Change {
        core::Id workspace_id;
        core::Id agent_id;
        core::Availability availability;
    };

    // Sets what others see; records a change to announce when it differs.
    static void show(core::Id agent_id, State& state, core::Availability availability,
                     std::vector<Change>& changes);
    void announce(const std::vector<Change>& changes);

    EventSink& events_;
    const core::Clock& clock_;
    const core::TimeMs offline_grace_ms_;
    mutable std::mutex mutex_;
    std::unordered_map<core::Id, State> agents_;  // guarded by mutex_
};

}  // namespace juttu::services
