// A small RAII layer over the sqlite3 C API. Every failure throws SqliteError (a
// store::StoreError) carrying sqlite's message and extended result code.
//
// A Database is used by one thread at a time; it is not synchronised.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace juttu::store::sqlite {

class SqliteError : public StoreError {
public:
    SqliteError(const std::string& message, int code) : StoreError(message), code_(code) {}
    // The extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
    int code() const noexcept { return code_; }

private:
    int code_;
};

class Database;

// A prepared statement. Parameters are 1-based, columns 0-based, as in sqlite.
// Statements handed out by Database::prepare are cached per connection: destroying
// one resets it and returns it to the cache.
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bind(int index, std::nullopt_t);
    // Opaque bytes (token hashes): compared bytewise, never as text.
    Statement& bind_blob(int index, std::string_view bytes);
    // Binds the arguments to parameters 1..N.
    template <class... Args>
    Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    // True while a row is available; false when the statement is done.
    bool step();
    // Steps to completion, ignoring any rows.
    void run();

    bool column_is_null(int column) const;
    std::int64_t column_int64(int column) const;
    std::optional<std::int64_t> column_optional_int64(int column) const;
    std::string column_text(int column) const;
    std::string column_blob(int column) const;

private:
    friend class Database;
    Statement(Database& db, sqlite3_stmt* stmt, bool* in_use);

    Database* db_;
    sqlite3_stmt* stmt_;
    // Points at the cache slot's busy flag when the statement came from the cache.
    bool* in_use_;
};

class Database {
public:
    // `writer` is read_write_create for the one connection that commits messages: its
    // log frames reach the file in one write per commit (wal_write_buffer.hpp).
    enum class Mode { read_write_create, read_only, writer };

    // Opens the file and applies the connection PRAGMAs every Juttu connection uses
    // (WAL, synchronous=FULL, foreign keys, busy timeout).
    static std::unique_ptr<Database> open(const std::filesystem::path& file, Mode mode);

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more SQL statements without parameters.
    void exec(std::string_view sql);
    Statement prepare(std::string_view sql);

    std::int64_t last_insert_rowid() const;
    // Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    // False inside an explicit transaction.
    bool autocommit() const;
    sqlite3* handle() const noexcept { return db_; }

    [[noreturn]] void fail(std::string_view context, int code) const;

private:
    struct CachedStatement {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };

    explicit Database(sqlite3* db) : db_(db) {}

    sqlite3* db_;
    std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace juttu::store::sqlite
