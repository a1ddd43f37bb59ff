// Domain types of Juttu. Plain values: no I/O, no JSON, no threads.
//
// Every record that belongs to a tenant carries its workspace_id; every lookup a
// service makes is scoped by it (see store/store.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/business_hours.hpp"
#include "core/ids.hpp"

namespace juttu::core {

enum class Role { admin, agent };
enum class ConversationStatus { open, pending, closed };
enum class AuthorKind { visitor, agent, system };
// An agent's state for taking chats: online takes new ones, away keeps its chats only.
enum class Availability { online, away, offline };
// How a conversation began: a live chat, or a message left with the offline form.
enum class Channel { chat, offline };
// Whether a site's new chats go to agents by themselves or wait until one takes them.
enum class RoutingMode { automatic, manual };
// A pre-chat form field: not asked, asked, or asked and required.
enum class FieldRule { off, optional, required };

std::string_view to_string(Role role);
std::string_view to_string(ConversationStatus status);
std::string_view to_string(AuthorKind kind);
std::optional<Role> parse_role(std::string_view text);
std::optional<ConversationStatus> parse_status(std::string_view text);
std::optional<AuthorKind> parse_author_kind(std::string_view text);
std::string_view to_string(Availability availability);
std::optional<Availability> parse_availability(std::string_view text);
std::string_view to_string(Channel channel);
std::optional<Channel> parse_channel(std::string_view text);
std::string_view to_string(RoutingMode mode);  // "auto", "manual"
std::optional<RoutingMode> parse_routing_mode(std::string_view text);
std::string_view to_string(FieldRule rule);
std::optional<FieldRule> parse_field_rule(std::string_view text);

struct Workspace {
    Id id = 0;
    std::string name;
    TimeMs created_at = 0;
};

// What the widget asks before the first message.
struct PrechatForm {
    bool enabled = false;
    FieldRule name = FieldRule::off;
    FieldRule email = FieldRule::off;
    FieldRule team = FieldRule::off;
    std::string question;  // label of the site's own question; empty = not asked
    bool question_required = false;
    bool operator==(const PrechatForm&) const = default;
};

// A site's visitor-facing texts in one language: a BCP 47 tag ("sv", "fi-FI"). An empty
// text falls back to the site's own (core/site_texts.hpp).
struct SiteTexts {
    std::string language;
    std::string greeting;
    std::string offline_message;
    bool operator==(const SiteTexts&) const = default;
};

// One of a site's identity secrets (docs/identity.md): n is its slot, 1 or 2, so that a
// new one can be added before the old one is retired.
struct IdentitySecret {
    int n = 0;
    std::string secret;  // base64url of 32 random bytes
    TimeMs created_at = 0;
};

struct Site {
    Id id = 0;
    Id workspace_id = 0;
    std::string key;  // public site key, embedded in the shop's pages
    std::string name;
    std::vector<std::string> allowed_origins;  // normalised, e.g. "https://shop.example"
    std::string greeting;
    // Above the widget's leave-a-message form; empty: the widget's own words.
    std::string offline_message;
    std::vector<SiteTexts> translations;  // one per language, in the admin's order
    std::string color;                    // "#rrggbb"
    RoutingMode routing = RoutingMode::automatic;
    BusinessHours hours;  // always open by default
    PrechatForm prechat;
    // Verified identity: when required, only visitors with a valid identity may chat.
    bool require_verified_identity = false;
    std::vector<IdentitySecret> identity_secrets;  // at most two, by n
    TimeMs created_at = 0;
};

// A department of a workspace; chats for a team go only to its members.
struct Team {
    Id id = 0;
    Id workspace_id = 0;
    std::string name;
    std::vector<Id> agent_ids;  // ascending
    TimeMs created_at = 0;
};

// One person's membership of one workspace. The e-mail and password belong to the
// person's account, which all their memberships share.
struct Agent {
    Id id = 0;
    Id workspace_id = 0;
    Id account_id = 0;
    std::string email;  // lower-case, the account's
    std::string name;
    Role role = Role::agent;
    bool disabled = false;
    int capacity = 4;                    // most open chats at once, for automatic assignment
    std::vector<std::string> languages;  // BCP 47 tags the agent chats in, e.g. "fi", "en-GB"
    std::vector<Id> team_ids;            // ascending; filled by find_agent and list_agents
    TimeMs created_at = 0;
};

struct Contact {
    Id id = 0;
    Id workspace_id = 0;
    Id site_id = 0;  // the site the visitor first came from
    std::string name;
    std::string email;
    std::map<std::string, std::string> attributes;
    TimeMs first_seen = 0;
    TimeMs last_seen = 0;
    std::int64_t visits = 0;
    // The shop's user id, set only by a verified identity: a contact with one is verified,
    // and only a valid identity reaches it (docs/identity.md).
    std::string external_id;

    bool verified() const { return !external_id.empty(); }
};

struct Conversation {
    Id id = 0;
    Id workspace_id = 0;
    Id site_id = 0;
    Id contact_id = 0;
    ConversationStatus status = ConversationStatus::open;
    std::optional<Id> assignee_id;
    std::optional<Id> team_id;
    Channel channel = Channel::chat;
    bool missed = false;  // the visitor left before any agent answered
    Seq last_seq = 0;
    std::string last_message_preview;
    TimeMs last_message_at = 0;
    TimeMs created_at = 0;
    TimeMs updated_at = 0;  // last activity: message, status or assignment change
    std::optional<TimeMs> closed_at;
    std::optional<TimeMs> first_assigned_at;  // wait time = first_assigned_at - created_at
    std::optional<TimeMs> first_response_at;  // the first agent message
};

// A file attached to a message (services/files). url and thumbnail_url are filled in for
// the reader by the files service: signed, expiring paths on this server.
struct Attachment {
    std::string id;  // "f_" + 22 or more characters of random base64url: not guessable
    std::string name;
    std::int64_t size = 0;
    std::string type;    // what the bytes are (sniffed), not what the client said
    bool image = false;  // a raster image, re-encoded without metadata, with a thumbnail
    std::optional<int> width;
    std::optional<int> height;
    std::string url;
    std::string thumbnail_url;  // images only
};

struct Message {
    Id id = 0;
    Id conversation_id = 0;
    Seq seq = 0;
    std::string client_id;
    AuthorKind author_kind = AuthorKind::visitor;
    std::optional<Id> author_id;  // contact id for visitors, agent id for agents
    std::string author_name;      // as it was when the message was written
    std::string body;
    TimeMs created_at = 0;
    std::vector<Attachment> attachments;
};

struct PageView {
    Id id = 0;
    Id workspace_id = 0;
    Id contact_id = 0;
    std::string url;
    std::string title;
    std::string referrer;
    TimeMs at = 0;
};

// A saved reply an agent inserts with its /shortcut.
struct CannedResponse {
    Id id = 0;
    Id workspace_id = 0;
    std::string shortcut;  // unique in the workspace, e.g. "shipping"
    std::string title;
    std::string body;
    std::optional<Id> team_id;  // offered only to the team's members; nullopt = everyone
    // A BCP 47 tag: offered first to visitors of that language; "" = any language. A
    // shortcut exists once per language.
    std::string language;
    TimeMs created_at = 0;
};

// An agent's remark on a conversation, never shown to the visitor.
struct Note {
    Id id = 0;
    Id workspace_id = 0;
    Id conversation_id = 0;
    std::optional<Id> agent_id;  // nullopt once the agent is removed
    std::string author_name;
    std::string body;
    TimeMs created_at = 0;
};

// The last sequence number a participant has read in a conversation.
struct ReadMark {
    Id conversation_id = 0;
    AuthorKind reader_kind = AuthorKind::visitor;
    Id reader_id = 0;
    Seq seq = 0;
};

}  // namespace juttu::core
