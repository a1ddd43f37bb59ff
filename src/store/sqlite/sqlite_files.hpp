// The files table's part of a message's transaction: attaching the author's uploads, and
// loading the attachments of the messages a query read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

// Why the files cannot be attached by this author (nullopt: they can): each must be an
// unattached upload of the author in the workspace, and named once.
std::optional<std::string> attachment_problem(Database& db, const NewMessage& message);
// Attaches them (checked by attachment_problem in the same transaction).
void attach_files(Database& db, const NewMessage& message, const core::Message& stored);
// Fills each message's attachments, in the order they were named.
void load_attachments(Database& db, std::vector<core::Message>& messages);

}  // namespace juttu::store::sqlite
