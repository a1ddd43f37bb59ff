// Automatic assignment and the queue.
//
// A conversation that waits (open, no assignee, a live chat) goes to the online agent with
// the most free capacity (core::choose_agent: team, language, longest idle); when nobody
// can take it, it stays in the queue and its visitor hears their place and an estimated
// wait. Sites in manual mode keep their chats in the queue until an agent takes one.
//
// Routing passes run one at a time per workspace, under that workspace's lock, reading
// the agents' loads from the store and assigning with a conditional write, so capacity is
// never exceeded however many chats arrive at once and on whichever threads. A pass is
// requested by the events that can change the outcome (a conversation created, closed or
// handed back; an agent online; an admin's change) and runs deferred on the worker pool;
// requests that arrive while one is pending coalesce.
//
// In memory, for one node: the per-workspace lock and the handle-time average.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/routing.hpp"
#include "services/chat/notes.hpp"
#include "services/events.hpp"
#include "services/routing/presence.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct QueueEntry {
    core::Conversation conversation;
    QueuePlace place;
};

// Where a transfer sends a conversation: one agent, or a team's queue.
struct TransferTarget {
    std::optional<core::Id> agent_id;
    std::optional<core::Id> team_id;
};

class Router final : public EventSink {
public:
    using Defer = std::function<void(std::function<void()>)>;

    // `events` is where the router announces its assignments and queue places (the same
    // tee it listens on); `defer` runs a routing pass off the caller's thread.
    Router(store::Store& store, Presence& presence, Notes& notes, EventSink& events,
           const core::Clock& clock, Defer defer);

    void conversation_changed(const core::Conversation& conversation) override;
    void availability_changed(core::Id workspace_id, core::Id agent_id,
                              core::Availability availability) override;
    void agent_changed(const core::Agent& agent) override;
    void site_changed(const core::Site& site) override;
    void routing_changed(core::Id workspace_id) override;

    // A routing pass now, on this thread.
    void route(core::Id workspace_id);
    // The waiting conversations with their places, next first.
    std::vector<QueueEntry> queue(core::Id workspace_id);
    // The visitor's place, when their conversation waits.
    std::optional<QueuePlace> place(const core::Conversation& conversation);

    core::Result<core::Conversation> transfer(const core::Agent& by, core::Id conversation_id,
                                              TransferTarget target, const std::string& note);

    static constexpr std::size_t max_queue = 100'000;  // read in pages of queue_page
    static constexpr int queue_page = 1000;

private:
    struct WorkspaceState {
        std::mutex routing;  // one pass at a time
        // Guarded by Router::mutex_:
        bool pass_requested = false;
        core::TimeMs average_handle_ms = 0;
        // Guarded by routing:
        std::map<core::Id, core::TimeMs> last_assigned;  // agent -> when
        std::map<core::Id, QueuePlace> announced;        // conversation -> last place told
    };

    WorkspaceState& state(core::Id workspace_id);
    void request(core::Id workspace_id);
    std::vector<core::AgentLoad> loads(core::Id workspace_id,
                                       const std::map<core::Id, core::TimeMs>& last_assigned);
    std::vector<core::Conversation> whole_queue(core::Id workspace_id);
    // Hands out what it can; returns the conversations still waiting.
    std::vector<core::Conversation> hand_out(core::Id workspace_id, WorkspaceState& state,
                                             std::vector<core::AgentLoad>& loads);
    std::vector<QueueEntry> places(const std::vector<core::Conversation>& waiting,
                                   const std::vector<core::AgentLoad>& loads,
                                   core::TimeMs average_handle_ms) const;
    void announce(WorkspaceState& state, const std::vector<QueueEntry>& entries);
    core::TimeMs average_handle(core::Id workspace_id);

    store::Store& store_;
    Presence& presence_;
    Notes& notes_;
    EventSink& events_;
    const core::Clock& clock_;
    Defer defer_;
    std::mutex mutex_;
    std::map<core::Id, std::unique_ptr<WorkspaceState>> workspaces_;  // guarded by mutex_
};

}  // namespace juttu::services
