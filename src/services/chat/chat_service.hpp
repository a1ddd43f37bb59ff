// Conversations and messages: what visitors and agents do, over the real-time
// protocol and the REST API alike.
//
// Access rule, in one place (can_access): an agent reaches the conversations of its
// workspace; a visitor only their own. Everything else answers not_found.
//
// Thread-safe. send() never blocks (the store's writer completes it); every other
// method may block on the store, so call it off the event loops.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/events.hpp"
#include "services/files/files_service.hpp"
#include "services/identity/identity_verifier.hpp"
#include "services/limits/rate_limiter.hpp"
#include "store/store.hpp"

namespace juttu::services {

// Who is acting: a visitor (id = contact id, on site_id) or an agent (id = agent id).
struct Participant {
    core::AuthorKind kind = core::AuthorKind::visitor;
    core::Id workspace_id = 0;
    core::Id id = 0;
    core::Id site_id = 0;
    std::string name;
    std::string address;  // visitors: the client address their limits are counted by

    static Participant of(const core::Agent& agent);
};

struct VisitorWelcome {
    core::Site site;
    core::Contact contact;
    std::string contact_token;  // the one given, or a new one (the contact's own)
    std::optional<core::Conversation> conversation;
    std::string assignee_name;  // of the conversation's assignee, if any
};

struct History {
    core::Conversation conversation;
    std::vector<core::Message> messages;
    bool has_more = false;
    std::vector<core::ReadMark> read_marks;
};

// A row of an agent's inbox: the conversation, who it is with, and how far this agent
// has read (unread = last_seq - my_read_seq).
struct InboxItem {
    core::Conversation conversation;
    std::string contact_name;
    std::string contact_email;
    core::Seq my_read_seq = 0;
};

struct ConversationPage {
    std::vector<InboxItem> items;
    bool has_more = false;
};

struct ConversationDetail {
    core::Conversation conversation;
    core::Contact contact;
    std::vector<core::ReadMark> read_marks;
};

struct SendRequest {
    std::optional<core::Id> conversation_id;  // required for agents, ignored for visitors
    std::string client_id;
    std::string body;
    std::optional<core::Id> team_id;       // visitors: the team of a conversation this starts
    std::vector<std::string> attachments;  // ids of files the author uploaded
};

// What the widget's offline form sends.
struct LeftMessage {
    std::string client_id;
    std::string name;   // optional
    std::string email;  // required
    std::string body;
};

class ChatService {
public:
    using SendDone = std::function<void(core::Result<store::AppendResult>)>;

    ChatService(store::Store& store, EventSink& events, const core::Clock& clock,
                RateLimiter& limits);

    // `context` (language, timezone, screen, user_agent) is kept in the contact's
    // attributes so that agents see the visitor's browser. A new contact counts against
    // the limits of `address` and of the site (rate_limited, nothing created).
    // With an identity that verifies, the visitor is the workspace's contact with that
    // user id, whichever token the browser had; one that does not verify is refused
    // (bad_identity) and changes nothing; without one, a site that requires it refuses
    // (identity_required) and another gets the token's anonymous contact, never a
    // verified one (docs/identity.md).
    core::Result<VisitorWelcome> connect_visitor(
        std::string_view site_key, std::string_view origin, std::string_view contact_token,
        const std::map<std::string, std::string>& context, std::string_view address = {},
        const std::optional<identity::IdentityClaim>& identity = std::nullopt);
    // What the page says about its visitor (not a verified identity).
    core::Result<core::Contact> identify(const Participant& visitor,
                                         std::optional<std::string> name,
                                         std::optional<std::string> email);
    // An agent's edit of a workspace's contact, with the same rules (a blank e-mail
    // clears it); agents are told of the change as of a visitor's own.
    core::Result<core::Contact> edit_contact(core::Id workspace_id, core::Id contact_id,
                                             std::optional<std::string> name,
                                             std::optional<std::string> email);
    // Merges attributes; a nullopt value removes the key.
    core::Result<core::Contact> set_attributes(
        const Participant& visitor,
        const std::map<std::string, std::optional<std::string>>& changes);

    // `done` runs once, after the durable commit (on the store's writer thread) or at
    // once for invalid input or a rate limit; events follow it. A visitor's messages count
    // against the contact's limit, and a message that starts a conversation against the
    // address's and the site's.
    void send(const Participant& author, SendRequest request, SendDone done);

    // The offline form: keeps the name and e-mail on the contact, then appends the message
    // to the visitor's conversation, or starts an offline one (which does not queue).
    void leave_message(const Participant& visitor, LeftMessage message, SendDone done);

    core::Result<History> history(const Participant& reader, core::Id conversation_id,
                                  core::Seq after_seq, core::Seq before_seq, int limit);
    // `done` runs at once when nothing is to be written, else on the store's writer
    // thread once the mark is stored.
    using MarkDone = std::function<void(core::Result<core::Seq>)>;
    void mark_read(const Participant& reader, core::Id conversation_id, core::Seq seq,
                   MarkDone done);
    // A visitor may leave out the conversation: their active one is meant.
    core::Result<core::Done> typing(const Participant& author,
                                    std::optional<core::Id> conversation_id, bool active);
    // Never blocks: `done` runs at once for bad input, else on the store's writer thread
    // once the view is stored.
    using PageViewDone = std::function<void(core::Result<core::PageView>)>;
    void page_view(const Participant& visitor, std::string url, std::string title,
                   std::string referrer, PageViewDone done);

    core::Result<ConversationPage> list_conversations(store::ConversationFilter filter,
                                                      core::Id reader_agent_id);
    // The inbox tabs' counts of one status for the agent.
    store::ConversationCounts conversation_counts(core::Id workspace_id,
                                                  core::ConversationStatus status,
                                                  core::Id agent_id);
    core::Result<ConversationDetail> conversation_detail(core::Id workspace_id, core::Id id);
    core::Result<core::Conversation> set_status(core::Id workspace_id, core::Id id,
                                                core::ConversationStatus status);
    core::Result<core::Conversation> assign(core::Id workspace_id, core::Id id,
                                            std::optional<core::Id> agent_id);
    // An agent takes a waiting chat for itself: only while it is open and nobody's, so two
    // agents taking the same chat at once never take it from each other (conflict).
    core::Result<core::Conversation> take(const core::Agent& agent, core::Id id);
    std::optional<core::Contact> find_contact(core::Id workspace_id, core::Id contact_id);
    // Attachments: their limit per message and the signed URLs of messages' files. Set
    // before serving; without it a message may not carry files.
    void set_files(const FilesService* files) { files_ = files; }
    // The limits of attachments, for the clients to check before an upload; null without.
    const FileLimits* file_limits() const { return files_ ? &files_->limits() : nullptr; }

    static constexpr int max_history_page = 500;
    static constexpr int max_conversation_page = 100;
    static constexpr std::size_t max_attributes = 50;
    static constexpr std::size_t max_attribute_key_chars = 64;
    static constexpr std::size_t max_attribute_value_bytes = 1000;

private:
    // The hello's contact: the verified one, or the token's anonymous one (or a new one).
    store::VisitorArrival arrive(const core::Site& site, std::string_view contact_token,
                                 const std::map<std::string, std::string>& context,
                                 const std::optional<identity::VerifiedIdentity>& verified,
                                 const std::string& new_token, bool may_create);
    void append(const Participant& author, SendRequest request, core::Channel channel,
                SendDone done);
    core::Result<core::Contact> update_contact(core::Contact contact);
    core::Result<core::Conversation> accessible(const Participant& who, core::Id conversation_id);
    // Takes a token of both the address's and the site's limits, or neither.
    std::optional<core::Error> take_new(LimitKind per_address, LimitKind per_site,
                                        std::string_view address, core::Id site_id);
    void refund_new(LimitKind per_address, LimitKind per_site, std::string_view address,
                    core::Id site_id);

    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
    RateLimiter& limits_;
    const FilesService* files_ = nullptr;
};

}  // namespace juttu::services
