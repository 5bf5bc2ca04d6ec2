using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SecurityLabelTypeCodeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_resource_security_labels_type_code",
                table: "resource_security_labels",
                columns: new[] { "ResourceType", "Code", "ResourceRowId" },
                filter: "\"Code\" <> 'NOPAT'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_resource_security_labels_type_code",
                table: "resource_security_labels");
        }
    }
}
