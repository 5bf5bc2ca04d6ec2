#!/usr/bin/env bash
# Adds a migration NAME for each of the three providers (each keeps its own migrations).
# Usage: src/Interop.Storage/add-migration.sh NAME
set -euo pipefail
cd "$(dirname "$0")/../.."
name="${1:?usage: add-migration.sh NAME}"
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql SqlServer; do
  dotnet ef migrations add "$name" --project src/Interop.Storage --startup-project src/Interop.Storage \
    --context "${provider}InteropDbContext" --output-dir "Migrations/$provider"
done
