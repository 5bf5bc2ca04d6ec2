using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.PostgreSql
{
    /// <summary>
    /// PostgreSQL only: multi-column statistics on the index tables' lookup columns. Without them the
    /// planner multiplies the selectivities of ResourceType, ParamName and Code as if independent and
    /// expects 3,203 rows for Observation category=laboratory where there are 37,679 (300,804
    /// resources); it then collects and consent-checks every match before taking a page (564 ms)
    /// instead of walking row ids in order and stopping at the page (8.7 ms). See docs/operations.md.
    /// </summary>
    public partial class SearchIndexStatistics : Migration
    {
        private static readonly (string Table, string Name, string Columns)[] Statistics =
        [
            ("search_tokens", "st_search_tokens_lookup", "\"ResourceType\", \"ParamName\", \"Code\""),
            ("search_strings", "st_search_strings_lookup", "\"ResourceType\", \"ParamName\""),
            ("search_dates", "st_search_dates_lookup", "\"ResourceType\", \"ParamName\""),
            ("search_references", "st_search_references_lookup", "\"ResourceType\", \"ParamName\", \"TargetType\""),
            ("search_quantities", "st_search_quantities_lookup", "\"ResourceType\", \"ParamName\", \"Code\""),
            ("search_uris", "st_search_uris_lookup", "\"ResourceType\", \"ParamName\""),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, name, columns) in Statistics)
            {
                migrationBuilder.Sql($"CREATE STATISTICS IF NOT EXISTS {name} (dependencies, mcv) ON {columns} FROM {table};");
                // Gathered now rather than at the next autoanalyze, so an upgraded database plans well at once.
                migrationBuilder.Sql($"ANALYZE {table};");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (_, name, _) in Statistics)
                migrationBuilder.Sql($"DROP STATISTICS IF EXISTS {name};");
        }
    }
}
