// The active-chat scenario's state on one generator thread (a shard).
//
// A shard owns whole workspaces: their agents, their visitors and the conversations
// between them, all on one io_context, so nothing here needs a lock. The coordinator
// (loadgen_chat.cpp) talks to a shard only by posting to its io_context.
//
// Checks, per receiving connection and conversation: every `message` event carries
// the next seq (a lower one is a duplicate, a higher one a gap: lost messages), and the
// k in each author's client_id `v<conv>.<k>` / `a<conv>.<k>` rises by one (order per
// author). Acks come back in send order. After the run every receiver must have reached
// the conversation's highest acknowledged seq.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "loadgen_client.hpp"
#include "loadgen_scenarios.hpp"
#include "loadgen_stats.hpp"

namespace bench {

enum Side : int { visitor_side = 0, agent_side = 1 };

// The measurement window, in now_ns() time, shared by every shard. Latencies count for
// messages sent inside it; throughput counts receipts inside it.
struct Window {
    std::atomic<std::int64_t> start{std::numeric_limits<std::int64_t>::max()};
    std::atomic<std::int64_t> end{std::numeric_limits<std::int64_t>::max()};
    bool contains(std::int64_t t) const {
        return t >= start.load(std::memory_order_relaxed) &&
               t < end.load(std::memory_order_relaxed);
    }
};

struct ShardStats {
    Histogram e2e_us;                       // send -> the other side's receipt
    Histogram ack_us;                       // send -> ack (the message is on disk)
    std::uint64_t delivered_in_window = 0;  // messages received by the other side
    std::uint64_t events_in_window = 0;     // every message event received, echoes included
    std::uint64_t sent_in_window = 0;
    std::uint64_t sent = 0;
    std::uint64_t acked = 0;
    std::uint64_t delivered = 0;
    // Failures: any of these fails the run.
    std::uint64_t duplicated = 0;    // a seq received again
    std::uint64_t gaps = 0;          // seqs skipped (lost)
    std::uint64_t out_of_order = 0;  // an author's k not one more than the last
    std::uint64_t bad_acks = 0;      // out of order, or duplicate:true for a new client_id
    std::uint64_t errors = 0;        // error frames
    std::uint64_t dropped = 0;       // connections closed during the run
    std::uint64_t skipped = 0;       // sends not made: connection gone or hopelessly backlogged
    std::string first_error;

    void merge(const ShardStats& other);
    void clear_window();  // histograms and window counters only
    std::uint64_t failures() const {
        return duplicated + gaps + out_of_order + bad_acks + errors + dropped + skipped;
    }
};

struct ShardProgress {
    std::size_t agents_ready = 0;
    std::size_t visitors_ready = 0;
    std::size_t connect_failures = 0;
    std::size_t conversations_open = 0;  // id known and seen by the handling agent
    std::size_t pending_acks = 0;
    std::size_t behind = 0;  // messages acknowledged but not yet received by a participant
    void merge(const ShardProgress& other);
};

class Shard;
class Peer;

struct Workspace;

struct Conversation {
    std::size_t index = 0;  // global, names the client_ids
    Workspace* workspace = nullptr;
    Peer* visitor = nullptr;
    Peer* agent = nullptr;  // the agent who answers it
    std::int64_t id = 0;    // from the ack of the visitor's first message
    std::uint64_t sent[2] = {0, 0};
    std::int64_t last_acked_seq = 0;
};

struct Workspace {
    std::vector<Peer*> agents;  // each receives every conversation's events
    std::vector<Conversation*> conversations;
};

class Peer final : public Listener {
public:
    Peer(Shard& shard, Side side, std::string hello)
        : shard_(shard), side_(side), hello_(std::move(hello)) {}

    void connect(asio::ip::address_v4 source);
    void send_message(Conversation& conversation);

    Side side() const { return side_; }
    bool ready() const { return welcomed_ && !closed_; }
    bool closed() const { return closed_; }
    std::size_t pending_acks() const { return pending_.size(); }
    // The highest seq this connection received for the conversation (0: none).
    std::int64_t last_seq(std::int64_t conversation_id) const;

    void on_open(WsClient& client) override;
    void on_frame(WsClient& client, std::string_view text) override;
    void on_closed(WsClient& client, const char* stage, beast::error_code ec) override;

private:
    struct Pending {
        Conversation* conversation;
        std::uint64_t k;
        std::int64_t sent_ns;
    };
    struct Seen {
        std::int64_t last_seq = 0;
        std::uint64_t last_k[2] = {0, 0};
    };

    void on_message(const boost::json::object& frame, std::int64_t now);
    void on_ack(const boost::json::object& frame, std::int64_t now);

    Shard& shard_;
    Side side_;
    std::string hello_;
    std::shared_ptr<WsClient> client_;
    std::deque<Pending> pending_;
    std::unordered_map<std::int64_t, Seen> seen_;
    bool welcomed_ = false;
    bool closed_ = false;
};

class Shard {
public:
    Shard(const ChatOptions& options, const Window& window, unsigned number);

    // Before the thread runs: one workspace with its agents' tokens and conversations
    // numbered first_conversation, first_conversation + 1, ...
    void add_workspace(const std::string& site_key, const std::vector<std::string>& tokens,
                       std::size_t first_conversation, std::size_t conversations);

    asio::io_context& io() { return io_; }

    // On the shard's thread:
    void connect_agents();
    void connect_visitors();
    void open_conversations();  // every visitor sends its first message
    void set_rate(double messages_per_second);
    ShardProgress progress() const;
    ShardStats stats() const { return stats_; }
    void clear_window_stats() { stats_.clear_window(); }

    // For peers:
    const ChatOptions& options() const { return options_; }
    const Window& window() const { return window_; }
    ShardStats& counters() { return stats_; }
    void fail(const std::string& why);
    void connection_done(Peer& peer, bool ok);
    Conversation* by_index(std::size_t index);
    const std::string& filler() const { return filler_; }
    // The fault to inject into this message event, if any (see ChatOptions::inject_fault).
    enum class Fault { none, drop, duplicate };
    Fault next_fault();

private:
    void connect_next();
    void tick();

    const ChatOptions& options_;
    const Window& window_;
    unsigned number_;
    asio::io_context io_{1};
    asio::steady_timer timer_{io_};
    std::string filler_;
    std::size_t events_seen_ = 0;

    std::deque<Workspace> workspaces_;
    std::deque<Conversation> conversations_;
    std::unordered_map<std::size_t, Conversation*> by_index_;
    std::deque<Peer> peers_;
    std::vector<Peer*> agents_;
    std::vector<Peer*> visitors_;

    std::vector<Peer*> connect_queue_;
    std::size_t next_connect_ = 0;
    std::size_t connecting_ = 0;
    std::size_t connect_failures_ = 0;
    std::size_t source_counter_ = 0;

    std::vector<std::pair<Conversation*, Side>> senders_;
    std::size_t next_sender_ = 0;
    double rate_ = 0;
    std::int64_t pace_start_ns_ = 0;
    std::uint64_t paced_ = 0;
    bool ticking_ = false;

    ShardStats stats_;
};

}  // namespace bench
