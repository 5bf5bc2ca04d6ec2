using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class SecurityLabelResourceType : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_resource_security_labels_Code_ResourceRowId",
                table: "resource_security_labels");

            migrationBuilder.AddColumn<string>(
                name: "ResourceType",
                table: "resource_security_labels",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // Existing rows take their version's type before the index on it is built.
            migrationBuilder.Sql("UPDATE resource_security_labels AS l SET \"ResourceType\" = r.\"ResourceType\" FROM resource_versions AS r WHERE r.\"Id\" = l.\"ResourceRowId\";");

            migrationBuilder.CreateIndex(
                name: "IX_resource_security_labels_Code_ResourceRowId_ResourceType",
                table: "resource_security_labels",
                columns: new[] { "Code", "ResourceRowId", "ResourceType" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_resource_security_labels_Code_ResourceRowId_ResourceType",
                table: "resource_security_labels");

            migrationBuilder.DropColumn(
                name: "ResourceType",
                table: "resource_security_labels");

            migrationBuilder.CreateIndex(
                name: "IX_resource_security_labels_Code_ResourceRowId",
                table: "resource_security_labels",
                columns: new[] { "Code", "ResourceRowId" });
        }
    }
}
