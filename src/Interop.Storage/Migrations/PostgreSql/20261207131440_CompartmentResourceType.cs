using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class CompartmentResourceType : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_resource_compartments_PatientId_ResourceRowId",
                table: "resource_compartments");

            migrationBuilder.AddColumn<string>(
                name: "ResourceType",
                table: "resource_compartments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // Existing rows take their version's type before the index on it is built.
            migrationBuilder.Sql("UPDATE resource_compartments AS c SET \"ResourceType\" = r.\"ResourceType\" FROM resource_versions AS r WHERE r.\"Id\" = c.\"ResourceRowId\";");

            migrationBuilder.CreateIndex(
                name: "IX_resource_compartments_PatientId_ResourceType_ResourceRowId",
                table: "resource_compartments",
                columns: new[] { "PatientId", "ResourceType", "ResourceRowId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_resource_compartments_PatientId_ResourceType_ResourceRowId",
                table: "resource_compartments");

            migrationBuilder.DropColumn(
                name: "ResourceType",
                table: "resource_compartments");

            migrationBuilder.CreateIndex(
                name: "IX_resource_compartments_PatientId_ResourceRowId",
                table: "resource_compartments",
                columns: new[] { "PatientId", "ResourceRowId" });
        }
    }
}
