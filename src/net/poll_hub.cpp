#include "net/poll_hub.hpp"

namespace juttu::net {

PollHub::PollHub(boost::asio::any_io_executor executor, PollOptions options,
                 WsHandlerFactory& factory)
    : executor_(std::move(executor)), options_(options), factory_(factory) {}

PollHub::~PollHub() { shutdown(); }

PollStatus PollHub::open(const std::string& id, PollPeer peer, Request opening) {
    std::shared_ptr<PollSession> session;
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return PollStatus::unknown_session;
        if (sessions_.size() >= options_.max_sessions ||
            per_address_[peer.address] >= options_.max_sessions_per_address) {
            return PollStatus::too_many_sessions;
        }
        session = std::make_shared<PollSession>(executor_, options_, [this, id] { forget(id); });
        ++per_address_[peer.address];
        sessions_.emplace(id, Entry{session, std::move(peer)});
    }
    session->start(factory_, std::move(opening));
    return PollStatus::ok;
}

std::shared_ptr<PollSession> PollHub::find(const std::string& id, const PollPeer& peer,
                                           PollStatus& status) const {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) {
        status = PollStatus::unknown_session;
        return nullptr;
    }
    if (!(found->second.peer == peer)) {
        status = PollStatus::wrong_peer;
        return nullptr;
    }
    status = PollStatus::ok;
    return found->second.session;
}

void PollHub::poll(const std::string& id, const PollPeer& peer, std::uint64_t ack,
                   PollSession::PollDone done) {
    PollStatus status{};
    if (auto session = find(id, peer, status)) return session->poll(ack, std::move(done));
    done(status, {});
}

void PollHub::post(const std::string& id, const PollPeer& peer, std::vector<std::string> frames,
                   PollSession::PostDone done) {
    PollStatus status{};
    if (auto session = find(id, peer, status)) {
        return session->post(std::move(frames), std::move(done));
    }
    done(status);
}

void PollHub::forget(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    const auto count = per_address_.find(found->second.peer.address);
    if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
    sessions_.erase(found);
}

void PollHub::shutdown() {
    std::vector<std::shared_ptr<PollSession>> live;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        for (const auto& [id, entry] : sessions_) live.push_back(entry.session);
    }
    for (const auto& session : live) session->shutdown();
}

std::size_t PollHub::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace juttu::net
