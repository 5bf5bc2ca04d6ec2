using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resource_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    VersionId = table.Column<int>(type: "int", nullable: false),
                    LastUpdated = table.Column<long>(type: "bigint", nullable: false),
                    IsDeleted = table.Column<bool>(type: "bit", nullable: false),
                    IsCurrent = table.Column<bool>(type: "bit", nullable: false),
                    Json = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Method = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    Custodian = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_versions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "resource_compartments",
                columns: table => new
                {
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    PatientId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_compartments", x => new { x.ResourceRowId, x.PatientId });
                    table.ForeignKey(
                        name: "FK_resource_compartments_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resource_security_labels",
                columns: table => new
                {
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    System = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Code = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_security_labels", x => new { x.ResourceRowId, x.System, x.Code });
                    table.ForeignKey(
                        name: "FK_resource_security_labels_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_resource_compartments_PatientId_ResourceRowId",
                table: "resource_compartments",
                columns: new[] { "PatientId", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_resource_security_labels_Code_ResourceRowId",
                table: "resource_security_labels",
                columns: new[] { "Code", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_resource_versions_LastUpdated",
                table: "resource_versions",
                column: "LastUpdated");

            migrationBuilder.CreateIndex(
                name: "IX_resource_versions_ResourceType_IsCurrent_LastUpdated",
                table: "resource_versions",
                columns: new[] { "ResourceType", "IsCurrent", "LastUpdated" });

            migrationBuilder.CreateIndex(
                name: "IX_resource_versions_ResourceType_ResourceId_VersionId",
                table: "resource_versions",
                columns: new[] { "ResourceType", "ResourceId", "VersionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_resource_versions_current",
                table: "resource_versions",
                columns: new[] { "ResourceType", "ResourceId" },
                unique: true,
                filter: "[IsCurrent] = 1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resource_compartments");

            migrationBuilder.DropTable(
                name: "resource_security_labels");

            migrationBuilder.DropTable(
                name: "resource_versions");
        }
    }
}
