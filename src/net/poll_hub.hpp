// The sessions of the HTTP long-poll transport (poll_session.hpp), by id.
//
// A session is bound to the peer that opened it: a request for it must come with the
// same Origin and from the same client address, else it is refused as if the session
// did not exist for that peer (a leaked id is not enough from another page or
// network). Ids are made by the caller (random, unguessable: see api/poll_front.hpp).
// Sessions are capped in all and per client address.
//
// Thread-safe: the map is guarded by a mutex, never held while a session runs.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/poll_session.hpp"

namespace juttu::net {

// Who may use a session: the Origin header and the client address of its opening.
struct PollPeer {
    std::string origin;
    std::string address;
    bool operator==(const PollPeer&) const = default;
};

class PollHub {
public:
    // Sessions' timers and handlers run on strands of `executor`.
    PollHub(boost::asio::any_io_executor executor, PollOptions options, WsHandlerFactory& factory);
    ~PollHub();

    // Opens session `id` for the peer; `opening` is handed to the factory as an upgrade
    // request would be (its Origin, User-Agent and client address).
    PollStatus open(const std::string& id, PollPeer peer, Request opening);
    void poll(const std::string& id, const PollPeer& peer, std::uint64_t ack,
              PollSession::PollDone done);
    void post(const std::string& id, const PollPeer& peer, std::vector<std::string> frames,
              PollSession::PostDone done);
    // Closes every session (1001), answering the polls that wait: before the executor's
    // pool is joined, which waits for the sessions' timers otherwise.
    void shutdown();
    std::size_t size() const;
    const PollOptions& options() const { return options_; }

private:
    struct Entry {
        std::shared_ptr<PollSession> session;
        PollPeer peer;
    };
    // The session, when it exists and belongs to `peer`.
    std::shared_ptr<PollSession> find(const std::string& id, const PollPeer& peer,
                                      PollStatus& status) const;
    void forget(const std::string& id);

    boost::asio::any_io_executor executor_;
    const PollOptions options_;
    WsHandlerFactory& factory_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;           // guarded by mutex_
    std::unordered_map<std::string, std::size_t> per_address_;  // guarded by mutex_
    bool stopped_ = false;                                      // guarded by mutex_
};

}  // namespace juttu::net
