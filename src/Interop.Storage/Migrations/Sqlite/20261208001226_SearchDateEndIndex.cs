using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchDateEndIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_search_dates_ResourceType_ParamName_End_ResourceRowId",
                table: "search_dates",
                columns: new[] { "ResourceType", "ParamName", "End", "ResourceRowId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_dates_ResourceType_ParamName_End_ResourceRowId",
                table: "search_dates");
        }
    }
}
