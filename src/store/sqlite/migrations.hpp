// Versioned schema migrations. Applied versions are recorded in
// schema_migrations(version, applied_at); a migration is never edited once released,
// changes go into a new one appended to the list.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"

namespace juttu::store::sqlite {

// A change to one table's definition that leaves its stored rows as they are (a CHECK
// constraint written another way): `from`, text of the table's CREATE TABLE statement,
// becomes `to`.
struct DefinitionEdit {
    std::string_view table;
    std::string_view from;
    std::string_view to;
};

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
    // For a migration that rebuilds tables (create, copy, drop, rename): the rebuilt
    // tables and those that refer to them, space-separated. It runs with foreign keys
    // off, as sqlite's ALTER TABLE procedure asks (else dropping the old table would
    // cascade to the rows that refer to it); these tables' references are checked
    // before it commits, and the WAL it filled is truncated after.
    std::string_view rebuilt_tables = {};
    // Definitions edited in place, after `sql`: sqlite's procedure for changes that do
    // not touch the stored rows (https://sqlite.org/lang_altertable.html#otheralter),
    // with no copy of the table. Each edit must find its `from` text.
    std::span<const DefinitionEdit> edits = {};
};

// Ordered by version, starting at 1.
std::span<const Migration> migrations();

// The highest applied version; 0 for a new database.
int schema_version(Database& db);

// The migrations apply_migrations would apply to this database, oldest first.
std::vector<Migration> pending_migrations(Database& db);
// Edits table definitions in place (see Migration::edits), inside the caller's
// transaction. Throws StoreError when an edit does not find its text or leaves a
// definition sqlite cannot parse; rolling the transaction back undoes it.
void edit_definitions(Database& db, std::span<const DefinitionEdit> edits);

// Applies every migration newer than the database, each in its own transaction.
// Returns how many were applied. Throws StoreError when the database is newer than
// this build or a migration fails (that migration is rolled back).
int apply_migrations(Database& db);

}  // namespace juttu::store::sqlite
