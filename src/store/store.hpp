// The Store contract: everything Juttu keeps on disk.
//
// Thread-safety: every method may be called from any thread at once.
// Reads run on the calling thread (a pooled read connection); writes are queued to
// one writer that group-commits: it drains its queue into one transaction, commits
// with synchronous=FULL, and only then completes each request. The synchronous write
// methods block the caller until their commit; append_message_async never blocks.
//
// Tenancy: every method that reads or changes tenant data takes the workspace id and
// matches nothing outside it.
//
// Errors: expected outcomes (not found, duplicate e-mail, closed conversation) are
// return values. StoreError is thrown only when the database itself fails.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace juttu::store {

using core::Id;
using core::Seq;
using core::TimeMs;

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct NewMessage {
    Id workspace_id = 0;
    // Agents name the conversation. Visitors never do: their message goes to the
    // contact's open (or pending) conversation on site_id, created in the same
    // transaction when there is none.
    std::optional<Id> conversation_id;
    Id site_id = 0;
    Id contact_id = 0;
    std::string client_id;
    core::AuthorKind author_kind = core::AuthorKind::visitor;
    std::optional<Id> author_id;
    std::string author_name;
    std::string body;
    TimeMs at = 0;
    // For a conversation this message creates (visitors only).
    std::optional<Id> team_id;  // must be a team of workspace_id, else ignored
    // offline: also turns the visitor's existing conversation into an offline one.
    core::Channel channel = core::Channel::chat;
    // False: a visitor's message that would start a conversation is refused (not_created)
    // and nothing is stored (the visitor may not start one now: a rate limit).
    bool may_create_conversation = true;
    // Files the author uploaded (services/files), attached in the message's own
    // transaction; any that is not the author's, is in another workspace or is attached
    // elsewhere refuses the message (bad_attachment) and nothing is stored.
    std::vector<std::string> attachment_ids;
};

// A file's row: what it is, who uploaded it, where its bytes are (blob keys), and the
// message it is attached to once it is.
struct StoredFile {
    core::Attachment file;  // without urls
    Id workspace_id = 0;
    core::AuthorKind uploader_kind = core::AuthorKind::visitor;
    Id uploader_id = 0;  // contact id for visitors, agent id for agents
    std::string idempotency_key;
    std::optional<Id> conversation_id;
    std::optional<Id> message_id;
    std::string blob_key;
    std::string thumbnail_key;  // empty: none
    TimeMs created_at = 0;
};

struct FileCreation {
    StoredFile file;
    bool created = false;  // false: the uploader's earlier file with the same key
};

// An agent's reply in an offline conversation, waiting to be e-mailed to the contact.
// Written in the transaction of the message itself, so no reply is ever left unsent.
struct OutboxEmail {
    Id id = 0;
    Id workspace_id = 0;
    int attempts = 0;  // failed tries so far
    core::Message message;
    core::Conversation conversation;
};

struct VisitorArrival {
    core::Contact contact;
    bool created = false;    // a new contact, with the new token
    bool new_token = false;  // the new token is now the contact's (created, or one more browser)
};

// A visitor's hello with a verified identity (services/identity): the workspace's contact
// with that external id, whatever the token says.
struct VerifiedVisit {
    Id workspace_id = 0;
    Id site_id = 0;
    std::string external_id;     // the verified user id
    std::string token_hash;      // of the token the browser gave; empty: none
    std::string new_token_hash;  // a fresh token for a new contact or a new browser
    bool may_create = true;      // false: a new contact may not be made now (a limit)
    TimeMs now = 0;
    std::map<std::string, std::string> context;
};

struct AppendResult {
    enum class Status {
        stored,           // a new message with the next seq
        duplicate,        // the same author already sent this client_id: message is the stored one
        no_conversation,  // conversation_id is not in workspace_id
        closed,           // the named conversation is closed
        not_created,      // it would start a conversation, and may_create_conversation is false
        bad_attachment,   // an attachment is not the author's unattached file: error names it
        failed,           // the database failed; error says why, nothing was stored
    };
    Status status = Status::failed;
    core::Message message;
    core::Conversation conversation;  // after the append
    bool conversation_created = false;
    std::string error;
};

struct ConversationFilter {
    // agent_or_unassigned: an agent's own chats and nobody's (the inbox's first view).
    enum class Assignee { any, unassigned, agent, agent_or_unassigned };
    Id workspace_id = 0;
    std::optional<core::ConversationStatus> status;
    Assignee assignee = Assignee::any;
    Id assignee_id = 0;  // when assignee == agent
    std::optional<Id> site_id;
    std::optional<Id> contact_id;
    std::optional<Id> team_id;
    std::optional<core::Channel> channel;
    std::optional<bool> missed;
    // Search: when not empty, an FTS5 expression (core::search::match_expression) that a
    // message of the conversation, or its contact, must match; and a range its activity
    // overlaps (last activity at or after active_from, created at or before active_to).
    std::string text_match;
    std::optional<TimeMs> active_from;
    std::optional<TimeMs> active_to;
    // Keyset cursor: newest activity first, ordered by (updated_at DESC, id DESC);
    // only rows strictly after (before_updated_at, before_id) in that order.
    std::optional<TimeMs> before_updated_at;
    std::optional<Id> before_id;
    int limit = 50;
};

// The contacts page: newest seen first, ordered by (last_seen DESC, id DESC).
struct ContactFilter {
    Id workspace_id = 0;
    std::string text_match;  // when not empty, an FTS5 expression the contact must match
    std::optional<TimeMs> before_last_seen;  // keyset cursor, with before_id
    std::optional<Id> before_id;
    int limit = 50;
};

// How many conversations of one status the inbox's views of one agent hold.
struct ConversationCounts {
    std::int64_t unassigned = 0;
    std::int64_t mine = 0;
    std::int64_t all = 0;
};

struct AgentCredentials {
    core::Agent agent;
    std::string password_hash;  // argon2id encoded
};

// A workspace and the person's membership of it.
struct Membership {
    core::Workspace workspace;
    core::Agent agent;
};

struct SessionInfo {
    Id session_id = 0;
    core::Agent agent;
    TimeMs expires_at = 0;
};

struct StoreStats {
    // Upper bounds (seconds) of the commit latency histogram buckets; the last bucket is +Inf.
    static constexpr std::array<double, 10> bucket_bounds{0.0005, 0.001, 0.002, 0.005, 0.01,
                                                          0.02,   0.05,  0.1,   0.25,  1.0};
    std::array<std::uint64_t, bucket_bounds.size() + 1> commit_buckets{};  // not cumulative
    double commit_seconds_sum = 0;
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;  // write requests completed
    std::uint64_t queue_depth = 0;
    // WAL checkpoint rounds run in the background, and tails the writer copied so that
    // the WAL could start over (SQLite store only).
    std::uint64_t checkpoints = 0;
    std::uint64_t checkpoint_tails = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // Workspaces
    virtual core::Workspace create_workspace(const std::string& name, TimeMs now) = 0;
    virtual std::optional<core::Workspace> find_workspace(Id id) = 0;
    virtual std::optional<core::Workspace> find_workspace_by_name(const std::string& name) = 0;
    virtual bool has_workspaces() = 0;
    // A new workspace with `admin`'s account (admin.account_id) as its first admin, under
    // admin's name, capacity and languages; nullopt when the name is taken.
    virtual std::optional<Membership> create_workspace_for(const std::string& name,
                                                           const core::Agent& admin,
                                                           TimeMs now) = 0;

    // Sites. The caller chooses the key; id and created_at are filled in.
    virtual core::Site create_site(const core::Site& site) = 0;
    virtual std::optional<core::Site> find_site(Id workspace_id, Id site_id) = 0;
    virtual std::optional<core::Site> find_site_by_key(const std::string& key) = 0;
    virtual std::vector<core::Site> list_sites(Id workspace_id) = 0;
    // Updates everything but id, workspace_id, key and created_at; false when not found.
    virtual bool update_site(const core::Site& site) = 0;
    virtual bool delete_site(Id workspace_id, Id site_id) = 0;
    // A site's identity secrets: a new one in the first free slot (n 1 or 2), nullopt when
    // both are taken or the site is not the workspace's; and retiring slot n.
    virtual std::optional<core::IdentitySecret> add_identity_secret(Id workspace_id, Id site_id,
                                                                    const std::string& secret,
                                                                    TimeMs now) = 0;
    virtual bool remove_identity_secret(Id workspace_id, Id site_id, int n) = 0;

    // Agents: one person's membership of one workspace. The e-mail and password are the
    // person's account's, unique across the server (login is by email alone).
    // A new account and its first membership; nullopt when the email is taken.
    virtual std::optional<core::Agent> create_agent(const core::Agent& agent,
                                                    const std::string& password_hash) = 0;
    virtual std::optional<core::Agent> find_agent(Id workspace_id, Id agent_id) = 0;
    // The account's password hash and its oldest membership.
    virtual std::optional<AgentCredentials> find_agent_by_email(const std::string& email) = 0;
    // Every membership of the account, oldest first.
    virtual std::vector<Membership> list_memberships(Id account_id) = 0;
    // A membership of an existing account (agent.account_id) in agent.workspace_id;
    // nullopt when the account is a member there already.
    virtual std::optional<core::Agent> add_membership(const core::Agent& agent) = 0;
    virtual std::vector<core::Agent> list_agents(Id workspace_id) = 0;
    // Updates name, role, disabled, capacity and languages (not team_ids); false when not
    // found or the new email is taken.
    virtual bool update_agent(const core::Agent& agent) = 0;
    // Sets the password of the agent's account, for all its memberships.
    virtual bool set_agent_password(Id workspace_id, Id agent_id,
                                    const std::string& password_hash) = 0;
    virtual bool delete_agent(Id workspace_id, Id agent_id) = 0;

    // Teams. agent_ids outside the workspace are left out. nullopt / false when the name is
    // taken in the workspace (or, for update, the team is not found).
    virtual std::optional<core::Team> create_team(const core::Team& team) = 0;
    virtual std::vector<core::Team> list_teams(Id workspace_id) = 0;
    virtual std::optional<core::Team> find_team(Id workspace_id, Id team_id) = 0;
    // Updates the name and replaces the members.
    virtual bool update_team(const core::Team& team) = 0;
    virtual bool delete_team(Id workspace_id, Id team_id) = 0;

    // Agent sessions, found by the SHA-256 hash of their bearer token.
    virtual Id create_session(Id agent_id, const std::string& token_hash, TimeMs now,
                              TimeMs expires_at) = 0;
    // Only live sessions (not expired at `now`) of agents that are not disabled.
    virtual std::optional<SessionInfo> find_session(const std::string& token_hash, TimeMs now) = 0;
    virtual bool delete_session(Id session_id) = 0;
    // Deletes every session of the agent except `keep` (if given); returns the deleted ids.
    virtual std::vector<Id> delete_agent_sessions(Id agent_id, std::optional<Id> keep) = 0;
    // The same for every membership of the account (a password changed).
    virtual std::vector<Id> delete_account_sessions(Id account_id, std::optional<Id> keep) = 0;
    // Which of these sessions are still live (as find_session finds them), ascending: one
    // query however many are asked about.
    virtual std::vector<Id> live_sessions(const std::vector<Id>& session_ids, TimeMs now) = 0;

    // Contacts, found by the SHA-256 hash of the visitor's contact token (a verified
    // contact's other browsers' tokens included).
    virtual core::Contact create_contact(Id workspace_id, Id site_id, const std::string& token_hash,
                                         TimeMs now) = 0;
    virtual std::optional<core::Contact> find_contact_by_token(Id workspace_id,
                                                               const std::string& token_hash) = 0;
    virtual std::optional<core::Contact> find_contact(Id workspace_id, Id contact_id) = 0;
    // A visitor's hello, in one write: the contact whose token hashes to `token_hash` (if
    // not empty) has one more visit; otherwise a contact is created with `new_token_hash`
    // on the site (contact id 0 if the site is not the workspace's, or if new_token_hash is
    // empty: the caller may not create a contact now). `context` is merged into its
    // attributes. Returns the contact as it now is. A verified contact is never found by
    // its token here: only arrive_verified reaches it.
    virtual VisitorArrival arrive_visitor(Id workspace_id, Id site_id,
                                          const std::string& token_hash,
                                          const std::string& new_token_hash, TimeMs now,
                                          const std::map<std::string, std::string>& context) = 0;
    // The same for a verified visitor, in one write: the workspace's contact with the
    // external id has one more visit, or is made (verified) with the new token when there
    // is none and may_create. A browser whose token is not yet the contact's gets the new
    // token as one more of it (the newest max_contact_tokens are kept); the browser's
    // other, anonymous contact is left as it is.
    virtual VisitorArrival arrive_verified(const VerifiedVisit& visit) = 0;
    static constexpr int max_contact_tokens = 20;
    // Updates name, email and attributes; false when not found.
    virtual bool update_contact(const core::Contact& contact) = 0;
    // Without their attributes.
    virtual std::vector<core::Contact> list_contacts(const ContactFilter& filter) = 0;

    // The view as stored (id 0 when the contact is not the workspace's). Only the newest
    // core::limits::page_views_kept views of a contact are kept.
    virtual core::PageView add_page_view(const core::PageView& view) = 0;
    // The same without blocking: `done` runs on the writer thread after the commit with
    // the view as stored, or nullopt when it could not be stored; it must not block.
    virtual void add_page_view_async(core::PageView view,
                                     std::function<void(std::optional<core::PageView>)> done) = 0;
    // Newest first.
    virtual std::vector<core::PageView> list_page_views(Id workspace_id, Id contact_id,
                                                        int limit) = 0;

    // Conversations
    virtual std::optional<core::Conversation> find_conversation(Id workspace_id, Id id) = 0;
    // The contact's open or pending conversation on the site, if any.
    virtual std::optional<core::Conversation> find_active_conversation(Id workspace_id, Id site_id,
                                                                       Id contact_id) = 0;
    virtual std::vector<core::Conversation> list_conversations(
        const ConversationFilter& filter) = 0;
    // The workspace's conversations of the status: nobody's, the agent's, all.
    virtual ConversationCounts count_conversations(Id workspace_id, core::ConversationStatus status,
                                                   Id agent_id) = 0;
    virtual std::optional<core::Conversation> set_conversation_status(
        Id workspace_id, Id id, core::ConversationStatus status, TimeMs now) = 0;
    // assignee must be an agent of the same workspace (checked by the caller). The first
    // assignment sets first_assigned_at.
    virtual std::optional<core::Conversation> assign_conversation(Id workspace_id, Id id,
                                                                  std::optional<Id> assignee,
                                                                  TimeMs now) = 0;

    // Routing. The queue: open chat conversations without an assignee, oldest first; a page
    // of `limit` after the (created_at, id) of the previous page's last one (0, 0: the start).
    virtual std::vector<core::Conversation> list_queue(Id workspace_id, int limit,
                                                       TimeMs after_created_at, Id after_id) = 0;
    // Assigns an open conversation that has no assignee; nullopt when it is not in the
    // workspace, not open, or already someone's, or (within_capacity) when the agent already
    // has as many open and pending chats as its capacity — checked in the same write, so
    // no other assignment can slip in between.
    virtual std::optional<core::Conversation> claim_conversation(Id workspace_id, Id id,
                                                                 Id agent_id, TimeMs now,
                                                                 bool within_capacity) = 0;
    // Open and pending conversations per assignee (agents with none are left out).
    virtual std::map<Id, int> count_open_chats(Id workspace_id) = 0;
    // Hands an open or pending conversation to a team (nullopt: to anyone) and clears its
    // assignee; a closed one is returned unchanged.
    virtual std::optional<core::Conversation> set_conversation_team(Id workspace_id, Id id,
                                                                    std::optional<Id> team_id,
                                                                    TimeMs now) = 0;
    // Marks missed the contact's open or pending chats that no agent has answered yet;
    // returns the conversations it changed.
    virtual std::vector<core::Conversation> mark_missed(Id workspace_id, Id contact_id,
                                                        TimeMs now) = 0;

    // Internal notes. nullopt when the conversation is not in the workspace.
    virtual std::optional<core::Note> add_note(const core::Note& note) = 0;
    virtual std::vector<core::Note> list_notes(Id workspace_id, Id conversation_id) = 0;

    // The e-mail outbox: pending replies whose next attempt is due, oldest first; then
    // each one's outcome: sent (error empty), to retry at retry_at, or failed for good.
    virtual std::vector<OutboxEmail> due_emails(TimeMs now, int limit) = 0;
    virtual void finish_email(Id id, TimeMs now, const std::string& error,
                              std::optional<TimeMs> retry_at) = 0;

    // Messages. A visitor's first message creates the conversation; an agent's first
    // message sets first_response_at; an agent's message in an offline conversation is
    // queued in the e-mail outbox in the same transaction.
    virtual AppendResult append_message(const NewMessage& message) = 0;
    // `done` runs on the writer thread after the commit; it must not block.
    virtual void append_message_async(NewMessage message,
                                      std::function<void(AppendResult)> done) = 0;
    // Messages with after_seq < seq < before_seq (0 = unbounded), ascending by seq.
    // With a before_seq and no after_seq, the *latest* `limit` messages below it.
    virtual std::vector<core::Message> list_messages(Id workspace_id, Id conversation_id,
                                                     Seq after_seq, Seq before_seq, int limit) = 0;
    // Search: the newest `per_conversation` messages of each of the workspace's
    // conversations named that match the FTS5 expression `text_match`, newest first.
    virtual std::vector<core::Message> matching_messages(Id workspace_id,
                                                         const std::vector<Id>& conversation_ids,
                                                         const std::string& text_match,
                                                         int per_conversation) = 0;

    // Files (services/files). create_file stores the row once per (uploader, idempotency
    // key): a retry gets the first file back and writes nothing.
    virtual FileCreation create_file(const StoredFile& file) = 0;
    virtual std::optional<StoredFile> find_file(Id workspace_id, const std::string& file_id) = 0;
    virtual std::optional<StoredFile> find_uploaded_file(Id workspace_id,
                                                         core::AuthorKind uploader_kind,
                                                         Id uploader_id,
                                                         const std::string& idempotency_key) = 0;
    // Deletes up to `limit` files, of any workspace, that no message took and that were
    // created before `before`; returns them, so that the caller deletes their blobs.
    virtual std::vector<StoredFile> delete_unattached_files(TimeMs before, int limit) = 0;
    // The ids among `file_ids` that no file row of any workspace has.
    virtual std::vector<std::string> missing_files(const std::vector<std::string>& file_ids) = 0;

    // Raises the reader's mark to min(seq, last_seq) if higher; returns the mark now stored.
    virtual Seq set_read_mark(Id workspace_id, const core::ReadMark& mark) = 0;
    // The same without waiting for a commit: `done` gets the mark now stored, or nullopt
    // when it could not be stored; it runs at once when the mark is already as high, else
    // on the writer thread after the commit, and must not block.
    virtual void set_read_mark_async(Id workspace_id, core::ReadMark mark,
                                     std::function<void(std::optional<Seq>)> done) = 0;
    virtual std::vector<core::ReadMark> list_read_marks(Id workspace_id, Id conversation_id) = 0;

    // Canned responses. nullopt / false when the shortcut is taken in the workspace.
    virtual std::optional<core::CannedResponse> create_canned_response(
        const core::CannedResponse& response) = 0;
    virtual std::vector<core::CannedResponse> list_canned_responses(Id workspace_id) = 0;
    virtual std::optional<core::CannedResponse> find_canned_response(Id workspace_id, Id id) = 0;
    // Updates shortcut, title and body; false when not found or the shortcut is taken.
    virtual bool update_canned_response(const core::CannedResponse& response) = 0;
    virtual bool delete_canned_response(Id workspace_id, Id id) = 0;

    // True when a write transaction commits now.
    virtual bool probe_writable() = 0;
    // Returns once every write queued before the call has committed (or failed) and its
    // completion has run: what a graceful shutdown waits for before closing sockets.
    virtual void flush() = 0;
    virtual StoreStats stats() = 0;
};

}  // namespace juttu::store
