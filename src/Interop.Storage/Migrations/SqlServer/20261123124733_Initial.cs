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
                name: "consent_ledger",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false),
                    PatientId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ConsentId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    CanonicalJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    PreviousHash = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_ledger", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "consent_rules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    PatientId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ConsentId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    LedgerSequence = table.Column<long>(type: "bigint", nullable: false),
                    Permit = table.Column<bool>(type: "bit", nullable: false),
                    Level = table.Column<int>(type: "int", nullable: false),
                    RuleIndex = table.Column<int>(type: "int", nullable: false),
                    ParentIndex = table.Column<int>(type: "int", nullable: true),
                    ActorOrganization = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    SecurityLabel = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Start = table.Column<long>(type: "bigint", nullable: true),
                    End = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "hl7_processed_messages",
                columns: table => new
                {
                    SendingFacility = table.Column<string>(type: "nvarchar(180)", maxLength: 180, nullable: false),
                    ControlId = table.Column<string>(type: "nvarchar(199)", maxLength: 199, nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: false),
                    AckCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    AckText = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hl7_processed_messages", x => new { x.SendingFacility, x.ControlId });
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Destination = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: false),
                    ContentType = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    DeliveredAt = table.Column<long>(type: "bigint", nullable: true),
                    ParkedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                });

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
                name: "search_reindex_jobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Position = table.Column<long>(type: "bigint", nullable: false),
                    Done = table.Column<long>(type: "bigint", nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    UpTo = table.Column<long>(type: "bigint", nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false),
                    Updated = table.Column<long>(type: "bigint", nullable: false),
                    Started = table.Column<long>(type: "bigint", nullable: true),
                    Finished = table.Column<long>(type: "bigint", nullable: true),
                    LeaseOwner = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    Error = table.Column<string>(type: "nvarchar(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_reindex_jobs", x => x.Id);
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

            migrationBuilder.CreateTable(
                name: "search_dates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    Start = table.Column<long>(type: "bigint", nullable: false),
                    End = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_dates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_dates_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_quantities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    System = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Code = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    Unit = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    Value = table.Column<decimal>(type: "decimal(38,10)", precision: 38, scale: 10, nullable: false),
                    Low = table.Column<decimal>(type: "decimal(38,10)", precision: 38, scale: 10, nullable: false),
                    High = table.Column<decimal>(type: "decimal(38,10)", precision: 38, scale: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_quantities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_quantities_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_references",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    TargetType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    TargetId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Url = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: true),
                    IdentifierSystem = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    IdentifierValue = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Version = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_references", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_references_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_strings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    Normalized = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: false),
                    Exact = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_strings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_strings_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_tokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    System = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Code = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Text = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: true),
                    TypeSystem = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    TypeCode = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_tokens_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_uris",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ResourceRowId = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ParamName = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Group = table.Column<int>(type: "int", nullable: true),
                    Uri = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_uris", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_uris_resource_versions_ResourceRowId",
                        column: x => x.ResourceRowId,
                        principalTable: "resource_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ledger_ConsentId_Sequence",
                table: "consent_ledger",
                columns: new[] { "ConsentId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ledger_PatientId_Sequence",
                table: "consent_ledger",
                columns: new[] { "PatientId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_rules_ConsentId",
                table: "consent_rules",
                column: "ConsentId");

            migrationBuilder.CreateIndex(
                name: "IX_consent_rules_PatientId_Permit_Level",
                table: "consent_rules",
                columns: new[] { "PatientId", "Permit", "Level" });

            migrationBuilder.CreateIndex(
                name: "IX_hl7_processed_messages_ProcessedAt",
                table: "hl7_processed_messages",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_DeliveredAt_ParkedAt_NextAttemptAt",
                table: "outbox_messages",
                columns: new[] { "DeliveredAt", "ParkedAt", "NextAttemptAt" });

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

            migrationBuilder.CreateIndex(
                name: "IX_search_dates_ResourceRowId",
                table: "search_dates",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_dates_ResourceType_ParamName_Start_End_ResourceRowId",
                table: "search_dates",
                columns: new[] { "ResourceType", "ParamName", "Start", "End", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_quantities_ResourceRowId",
                table: "search_quantities",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_quantities_ResourceType_ParamName_Value_ResourceRowId",
                table: "search_quantities",
                columns: new[] { "ResourceType", "ParamName", "Value", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_references_ResourceRowId",
                table: "search_references",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_references_ResourceType_ParamName_TargetId_TargetType_ResourceRowId",
                table: "search_references",
                columns: new[] { "ResourceType", "ParamName", "TargetId", "TargetType", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_references_TargetType_TargetId_ParamName",
                table: "search_references",
                columns: new[] { "TargetType", "TargetId", "ParamName" });

            migrationBuilder.CreateIndex(
                name: "IX_search_reindex_jobs_Status",
                table: "search_reindex_jobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_search_strings_ResourceRowId",
                table: "search_strings",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_strings_ResourceType_ParamName_Normalized_ResourceRowId",
                table: "search_strings",
                columns: new[] { "ResourceType", "ParamName", "Normalized", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_tokens_ResourceRowId",
                table: "search_tokens",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_tokens_ResourceType_ParamName_Code_System_ResourceRowId",
                table: "search_tokens",
                columns: new[] { "ResourceType", "ParamName", "Code", "System", "ResourceRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_uris_ResourceRowId",
                table: "search_uris",
                column: "ResourceRowId");

            migrationBuilder.CreateIndex(
                name: "IX_search_uris_ResourceType_ParamName_Uri_ResourceRowId",
                table: "search_uris",
                columns: new[] { "ResourceType", "ParamName", "Uri", "ResourceRowId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_ledger");

            migrationBuilder.DropTable(
                name: "consent_rules");

            migrationBuilder.DropTable(
                name: "hl7_processed_messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "resource_compartments");

            migrationBuilder.DropTable(
                name: "resource_security_labels");

            migrationBuilder.DropTable(
                name: "search_dates");

            migrationBuilder.DropTable(
                name: "search_quantities");

            migrationBuilder.DropTable(
                name: "search_references");

            migrationBuilder.DropTable(
                name: "search_reindex_jobs");

            migrationBuilder.DropTable(
                name: "search_strings");

            migrationBuilder.DropTable(
                name: "search_tokens");

            migrationBuilder.DropTable(
                name: "search_uris");

            migrationBuilder.DropTable(
                name: "resource_versions");
        }
    }
}
