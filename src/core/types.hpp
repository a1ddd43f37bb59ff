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

namespace juttu::core {

using Id = std::int64_t;
using Seq = std::int64_t;
// Milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

enum class Role { admin, agent };
enum class ConversationStatus { open, pending, closed };
enum class AuthorKind { visitor, agent, system };
// An agent's state for taking chats: online takes new ones, away keeps its chats only.
enum class Availability { online, away, offline };

std::string_view to_string(Role role);
std::string_view to_string(ConversationStatus status);
std::string_view to_string(AuthorKind kind);
std::optional<Role> parse_role(std::string_view text);
std::optional<ConversationStatus> parse_status(std::string_view text);
std::optional<AuthorKind> parse_author_kind(std::string_view text);
std::string_view to_string(Availability availability);
std::optional<Availability> parse_availability(std::string_view text);

struct Workspace {
    Id id = 0;
    std::string name;
    TimeMs created_at = 0;
};

struct Site {
    Id id = 0;
    Id workspace_id = 0;
    std::string key;  // public site key, embedded in the shop's pages
    std::string name;
    std::vector<std::string> allowed_origins;  // normalised, e.g. "https://shop.example"
    std::string greeting;
    std::string color;  // "#rrggbb"
    TimeMs created_at = 0;
};

struct Agent {
    Id id = 0;
    Id workspace_id = 0;
    std::string email;  // lower-case
    std::string name;
    Role role = Role::agent;
    bool disabled = false;
    int capacity = 4;  // most open chats at once, for automatic assignment
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
};

struct Conversation {
    Id id = 0;
    Id workspace_id = 0;
    Id site_id = 0;
    Id contact_id = 0;
    ConversationStatus status = ConversationStatus::open;
    std::optional<Id> assignee_id;
    Seq last_seq = 0;
    std::string last_message_preview;
    TimeMs last_message_at = 0;
    TimeMs created_at = 0;
    TimeMs updated_at = 0;  // last activity: message, status or assignment change
    std::optional<TimeMs> closed_at;
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
