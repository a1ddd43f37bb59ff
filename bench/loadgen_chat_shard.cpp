#include "loadgen_chat_shard.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <iostream>
#include <random>

#include "loadgen_proc.hpp"

namespace bench {

namespace json = boost::json;

namespace {

// Parses the digits at the start of `text`; 0 when there are none.
std::uint64_t leading_number(std::string_view text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// A client_id "w-<time>-v<conversation index>.<k>" (visitor) or "w-<time>-a<index>.<k>"
// (agent): the time first, like the widget's and the console's ids (see time_key).
struct ClientId {
    Side side = visitor_side;
    std::size_t index = 0;
    std::uint64_t k = 0;
    bool valid = false;
};

// The wall-clock milliseconds in 9 base-36 digits, as the widget begins its client ids:
// the server's idempotency index then grows at its end, as it does for real clients.
std::string time_key() {
    auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    std::string key(9, '0');
    for (auto digit = key.rbegin(); digit != key.rend() && ms > 0; ++digit, ms /= 36) {
        *digit = "0123456789abcdefghijklmnopqrstuvwxyz"[ms % 36];
    }
    return key;
}

ClientId parse_client_id(std::string_view text) {
    ClientId id;
    constexpr std::size_t time_end = 2 + 9;  // "w-", then the 9 digits of time_key()
    if (text.size() <= time_end + 1 || text.substr(0, 2) != "w-" || text[time_end] != '-') {
        return id;
    }
    text.remove_prefix(time_end + 1);
    const auto dot = text.find('.');
    if (text.size() < 4 || dot == std::string_view::npos || (text[0] != 'v' && text[0] != 'a')) {
        return id;
    }
    id.side = text[0] == 'v' ? visitor_side : agent_side;
    id.index = static_cast<std::size_t>(leading_number(text.substr(1, dot - 1)));
    id.k = leading_number(text.substr(dot + 1));
    id.valid = id.k > 0;
    return id;
}

std::int64_t integer(const json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_int64() ? value->get_int64() : 0;
}

std::string_view text(const json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string_view(value->get_string())
                                                  : std::string_view();
}

}  // namespace

// --- ShardStats ---

void ShardStats::merge(const ShardStats& other) {
    e2e_us.merge(other.e2e_us);
    ack_us.merge(other.ack_us);
    delivered_in_window += other.delivered_in_window;
    events_in_window += other.events_in_window;
    sent_in_window += other.sent_in_window;
    sent += other.sent;
    acked += other.acked;
    delivered += other.delivered;
    duplicated += other.duplicated;
    gaps += other.gaps;
    out_of_order += other.out_of_order;
    bad_acks += other.bad_acks;
    errors += other.errors;
    dropped += other.dropped;
    skipped += other.skipped;
    if (first_error.empty()) first_error = other.first_error;
}

void ShardStats::clear_window() {
    e2e_us.clear();
    ack_us.clear();
    delivered_in_window = 0;
    events_in_window = 0;
    sent_in_window = 0;
}

void ShardProgress::merge(const ShardProgress& other) {
    agents_ready += other.agents_ready;
    visitors_ready += other.visitors_ready;
    connect_failures += other.connect_failures;
    conversations_open += other.conversations_open;
    pending_acks += other.pending_acks;
    behind += other.behind;
}

// --- Peer ---

void Peer::connect(asio::ip::address_v4 source) {
    client_ = std::make_shared<WsClient>(shard_.io(), shard_.options().target, source, *this);
    client_->start();
}

std::int64_t Peer::last_seq(std::int64_t conversation_id) const {
    const auto it = seen_.find(conversation_id);
    return it == seen_.end() ? 0 : it->second.last_seq;
}

void Peer::on_open(WsClient& client) { client.send(hello_); }

void Peer::on_closed(WsClient&, const char* stage, beast::error_code ec) {
    closed_ = true;
    const std::string why =
        std::string(side_ == visitor_side ? "visitor " : "agent ") + stage + ": " + ec.message();
    if (!welcomed_) {
        shard_.fail(why);
        shard_.connection_done(*this, false);
        return;
    }
    ++shard_.counters().dropped;
    shard_.fail(why);
}

void Peer::on_frame(WsClient&, std::string_view frame_text) {
    const auto now = now_ns();
    unsigned char scratch[8192];
    json::monotonic_resource memory(scratch, sizeof scratch);
    boost::system::error_code ec;
    const auto value = json::parse(frame_text, ec, &memory);
    if (ec || !value.is_object()) return shard_.fail("unparsable frame");
    const auto& frame = value.get_object();
    const auto type = text(frame, "type");
    if (type == "message") {
        const auto fault = shard_.next_fault();
        if (fault == Shard::Fault::drop) return;
        if (fault == Shard::Fault::duplicate) on_message(frame, now);
        return on_message(frame, now);
    }
    if (type == "ack") return on_ack(frame, now);
    if (type == "welcome") {
        welcomed_ = true;
        return shard_.connection_done(*this, true);
    }
    if (type == "error") {
        ++shard_.counters().errors;
        return shard_.fail("error frame: " + std::string(frame_text.substr(0, 300)));
    }
    // conversation, typing, read, page_view, contact: not part of the check.
}

void Peer::send_message(Conversation& conversation) {
    auto& stats = shard_.counters();
    // Hopelessly behind: the server stopped reading this connection.
    if (!ready() || client_->queued() > 1000) {
        ++stats.skipped;
        return;
    }
    const auto k = ++conversation.sent[side_];
    const auto now = now_ns();
    std::string frame;
    frame.reserve(128 + shard_.filler().size());
    frame += R"({"type":"send",)";
    if (side_ == agent_side) {
        frame += R"("conversation_id":)";
        frame += std::to_string(conversation.id);
        frame += ',';
    }
    frame += R"("client_id":"w-)";
    frame += time_key();
    frame += '-';
    frame += side_ == visitor_side ? 'v' : 'a';
    frame += std::to_string(conversation.index);
    frame += '.';
    frame += std::to_string(k);
    frame += R"(","body":"t)";
    frame += std::to_string(now);
    frame += ' ';
    frame += shard_.filler();
    frame += R"("})";
    pending_.push_back(Pending{&conversation, k, now});
    ++stats.sent;
    if (shard_.window().contains(now)) ++stats.sent_in_window;
    client_->send(std::move(frame));
}

void Peer::on_message(const json::object& frame, std::int64_t now) {
    auto& stats = shard_.counters();
    const auto* message_value = frame.if_contains("message");
    if (message_value == nullptr || !message_value->is_object()) return shard_.fail("bad message");
    const auto& message = message_value->get_object();
    const auto conversation_id = integer(frame, "conversation_id");
    const auto seq = integer(message, "seq");
    const auto id = parse_client_id(text(message, "client_id"));
    if (!id.valid) return shard_.fail("a message not sent by the generator");
    if (shard_.window().contains(now)) ++stats.events_in_window;

    auto& seen = seen_[conversation_id];
    if (seq <= seen.last_seq) {
        ++stats.duplicated;
        return shard_.fail("seq " + std::to_string(seq) + " of conversation " +
                           std::to_string(conversation_id) + " received twice");
    }
    if (seq != seen.last_seq + 1) {
        stats.gaps += static_cast<std::uint64_t>(seq - seen.last_seq - 1);
        shard_.fail("conversation " + std::to_string(conversation_id) + " jumped from seq " +
                    std::to_string(seen.last_seq) + " to " + std::to_string(seq));
    }
    seen.last_seq = seq;
    if (id.k != seen.last_k[id.side] + 1) {
        ++stats.out_of_order;
        shard_.fail("message " + std::string(text(message, "client_id")) + " out of order");
    }
    seen.last_k[id.side] = std::max(seen.last_k[id.side], id.k);

    // The other side's message reaching its counterpart: what the scenario measures.
    if (id.side == side_) return;
    auto* conversation = shard_.by_index(id.index);
    if (conversation == nullptr) return shard_.fail("a message of an unknown conversation");
    if (side_ == agent_side && conversation->agent != this) return;  // a colleague's chat
    ++stats.delivered;
    if (shard_.window().contains(now)) ++stats.delivered_in_window;
    if (shard_.options().read_receipts) {
        client_->send(R"({"type":"read","conversation_id":)" + std::to_string(conversation_id) +
                      R"(,"seq":)" + std::to_string(seq) + "}");
    }
    const auto body = text(message, "body");
    const auto sent_ns =
        static_cast<std::int64_t>(leading_number(body.substr(body.empty() ? 0 : 1)));
    if (shard_.window().contains(sent_ns)) {
        stats.e2e_us.record(
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - sent_ns) / 1000));
    }
}

void Peer::on_ack(const json::object& frame, std::int64_t now) {
    auto& stats = shard_.counters();
    if (pending_.empty()) {
        ++stats.bad_acks;
        return shard_.fail("an ack for nothing sent");
    }
    const auto pending = pending_.front();
    pending_.pop_front();
    auto& conversation = *pending.conversation;
    const auto id = parse_client_id(text(frame, "client_id"));
    if (!id.valid || id.side != side_ || id.index != conversation.index || id.k != pending.k) {
        ++stats.bad_acks;
        shard_.fail("ack " + std::string(text(frame, "client_id")) + " out of order");
    }
    const auto* duplicate = frame.if_contains("duplicate");
    if (duplicate != nullptr && duplicate->is_bool() && duplicate->get_bool()) {
        ++stats.bad_acks;
        shard_.fail("a new message acknowledged as a duplicate");
    }
    if (conversation.id == 0) conversation.id = integer(frame, "conversation_id");
    conversation.last_acked_seq = std::max(conversation.last_acked_seq, integer(frame, "seq"));
    ++stats.acked;
    if (shard_.window().contains(pending.sent_ns)) {
        stats.ack_us.record(static_cast<std::uint64_t>((now - pending.sent_ns) / 1000));
    }
}

// --- Shard ---

Shard::Shard(const ChatOptions& options, const Window& window, unsigned number)
    : options_(options), window_(window), number_(number) {
    static constexpr std::string_view words =
        "Hello! Is this still available in blue, and when would it ship to Helsinki? ";
    while (filler_.size() + 22 < options_.body_bytes) filler_ += words;
    filler_.resize(options_.body_bytes > 22 ? options_.body_bytes - 22 : 0);
}

void Shard::add_workspace(const std::string& site_key, const std::vector<std::string>& tokens,
                          std::size_t first_conversation, std::size_t conversations) {
    auto& workspace = workspaces_.emplace_back();
    for (const auto& token : tokens) {
        auto& agent = peers_.emplace_back(
            *this, agent_side, R"({"type":"hello","role":"agent","token":")" + token + R"("})");
        workspace.agents.push_back(&agent);
        agents_.push_back(&agent);
    }
    for (std::size_t i = 0; i < conversations; ++i) {
        auto& conversation = conversations_.emplace_back();
        conversation.index = first_conversation + i;
        conversation.workspace = &workspace;
        auto& visitor = peers_.emplace_back(
            *this, visitor_side,
            R"({"type":"hello","role":"visitor","site_key":")" + site_key + R"("})");
        conversation.visitor = &visitor;
        const auto agent = std::min(i / options_.conversations_per_agent, tokens.size() - 1);
        conversation.agent = workspace.agents[agent];
        workspace.conversations.push_back(&conversation);
        visitors_.push_back(&visitor);
        by_index_[conversation.index] = &conversation;
    }
}

Shard::Fault Shard::next_fault() {
    if (options_.inject_fault.empty() || ++events_seen_ % options_.inject_every != 0)
        return Fault::none;
    return options_.inject_fault == "drop" ? Fault::drop : Fault::duplicate;
}

Conversation* Shard::by_index(std::size_t index) {
    const auto it = by_index_.find(index);
    return it == by_index_.end() ? nullptr : it->second;
}

void Shard::fail(const std::string& why) {
    if (stats_.first_error.empty()) {
        stats_.first_error = why;
        std::cerr << "chat: " << why << std::endl;
    }
}

void Shard::connect_agents() {
    connect_queue_ = agents_;
    next_connect_ = 0;
    connect_next();
}

void Shard::connect_visitors() {
    connect_queue_ = visitors_;
    next_connect_ = 0;
    connect_next();
}

void Shard::connect_next() {
    while (connecting_ < options_.in_flight && next_connect_ < connect_queue_.size()) {
        auto* peer = connect_queue_[next_connect_++];
        ++connecting_;
        peer->connect(source_address(source_counter_++, 100 + number_ * 8, 8));
    }
}

void Shard::connection_done(Peer&, bool ok) {
    --connecting_;
    if (!ok) ++connect_failures_;
    connect_next();
}

void Shard::open_conversations() {
    for (auto& conversation : conversations_) {
        if (conversation.visitor->ready()) conversation.visitor->send_message(conversation);
    }
}

void Shard::set_rate(double messages_per_second) {
    if (senders_.empty()) {
        for (auto& conversation : conversations_) {
            if (conversation.id == 0) continue;
            senders_.emplace_back(&conversation, visitor_side);
            senders_.emplace_back(&conversation, agent_side);
        }
        // Spread each agent's conversations and both sides of a chat over the cycle.
        std::shuffle(senders_.begin(), senders_.end(), std::mt19937(number_ + 1));
    }
    rate_ = messages_per_second;
    pace_start_ns_ = now_ns();
    paced_ = 0;
    if (!ticking_ && rate_ > 0 && !senders_.empty()) {
        ticking_ = true;
        tick();
    }
}

void Shard::tick() {
    if (rate_ <= 0) {
        ticking_ = false;
        return;
    }
    const auto due =
        static_cast<std::uint64_t>(static_cast<double>(now_ns() - pace_start_ns_) * rate_ / 1e9);
    while (paced_ < due) {
        auto [conversation, side] = senders_[next_sender_];
        next_sender_ = (next_sender_ + 1) % senders_.size();
        auto* peer = side == visitor_side ? conversation->visitor : conversation->agent;
        peer->send_message(*conversation);
        ++paced_;
    }
    timer_.expires_after(std::chrono::milliseconds(1));
    timer_.async_wait([this](beast::error_code ec) {
        if (!ec) tick();
    });
}

ShardProgress Shard::progress() const {
    ShardProgress progress;
    for (const auto* agent : agents_) progress.agents_ready += agent->ready() ? 1 : 0;
    for (const auto* visitor : visitors_) progress.visitors_ready += visitor->ready() ? 1 : 0;
    progress.connect_failures = connect_failures_;
    for (const auto& peer : peers_) progress.pending_acks += peer.pending_acks();
    for (const auto& conversation : conversations_) {
        if (conversation.id == 0) continue;
        if (conversation.agent->last_seq(conversation.id) >= 1) ++progress.conversations_open;
        const auto behind = [&](const Peer& peer) {
            return static_cast<std::size_t>(std::max<std::int64_t>(
                0, conversation.last_acked_seq - peer.last_seq(conversation.id)));
        };
        progress.behind += behind(*conversation.visitor);
        for (const auto* agent : conversation.workspace->agents) progress.behind += behind(*agent);
    }
    return progress;
}

}  // namespace bench
