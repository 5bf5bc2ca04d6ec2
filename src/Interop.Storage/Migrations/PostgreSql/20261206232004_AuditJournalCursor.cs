using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AuditJournalCursor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_journal_cursor",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    StoredThrough = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_journal_cursor", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "audit_journal_cursor",
                columns: new[] { "Id", "StoredThrough" },
                values: new object[] { 1, 0L });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_journal_cursor");
        }
    }
}
