using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AuditEventReferencesOffTargetIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_references_TargetType_TargetId_ParamName",
                table: "search_references");

            migrationBuilder.CreateIndex(
                name: "IX_search_references_TargetType_TargetId_ParamName",
                table: "search_references",
                columns: new[] { "TargetType", "TargetId", "ParamName" },
                filter: "[ResourceType] <> 'AuditEvent'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_references_TargetType_TargetId_ParamName",
                table: "search_references");

            migrationBuilder.CreateIndex(
                name: "IX_search_references_TargetType_TargetId_ParamName",
                table: "search_references",
                columns: new[] { "TargetType", "TargetId", "ParamName" });
        }
    }
}
