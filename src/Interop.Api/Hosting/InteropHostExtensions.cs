using Interop.Api.Adapters;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Interop.Api.Hosting;

/// <summary>Service registration and the request pipeline, in the order requests flow.</summary>
public static class InteropHostExtensions
{
    public static WebApplicationBuilder AddInteropServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<FhirOptions>().Bind(configuration.GetSection(FhirOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        var maxBody = configuration.GetSection(FhirOptions.SectionName).Get<FhirOptions>()?.MaxBodyBytes ?? new FhirOptions().MaxBodyBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody + 1);

        services.AddInteropStorage(configuration);
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<CustomSearchParameterStartup>();
        services.AddOptions<SearchOptions>().Bind(configuration.GetSection(SearchOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddSingleton<Operations.ReindexWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Operations.ReindexWorker>());
        services.AddSingleton<FhirRequestBody>();
        services.AddScoped<ConditionalResolver>();
        services.AddScoped<SearchRunner>();
        // Page tokens must verify on every instance: a configured key is shared, otherwise one per process.
        if (configuration["Fhir:PageTokenKey"] is { Length: >= 32 } pageKey)
            services.AddSingleton(new Interop.Storage.Search.PageTokenCodec(System.Text.Encoding.UTF8.GetBytes(pageKey)));
        services.AddScoped<BundleProcessor>();
        services.AddSingleton<TransactionAdmission>();
        services.AddSingleton<Interop.Core.Validation.ProfileValidator>();
        services.AddSingleton<WriteValidation>();
        services.AddOptions<Interop.Core.Validation.ValidationOptions>().Bind(configuration.GetSection(Interop.Core.Validation.ValidationOptions.SectionName))
            .Validate(o => o.FindProblems().Count == 0, "Validation settings name unknown resource types or modes (see Validation:ResourceTypes).")
            .ValidateOnStart();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<Import.ImportJournal>();
        services.AddScoped<Import.ImportWriter>();
        services.AddScoped<Import.BulkImporter>();

        services.AddProblemDetails();
        services.AddExceptionHandler<FhirExceptionHandler>();
        services.AddSingleton<FhirExceptionHandler>();
        services.AddInteropSecurity(configuration);
        services.AddOptions<Audit.AuditOptions>().Bind(configuration.GetSection(Audit.AuditOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        // The materialiser is registered first so that it stops last: the writer drains its queue
        // into the journal, then the materialiser turns what is left into AuditEvents.
        services.AddSingleton(Audit.AuditJournals.Create);
        services.AddSingleton<Audit.MergedPatients>();
        services.AddSingleton<Audit.AuditMaterializer>();
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AuditMaterializer>());
        services.AddSingleton<Audit.AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AuditWriter>());
        // After the audit writer, so that it stops first: writes still queued are committed and their
        // requests answered (and audited) before the journal closes.
        services.AddSingleton<WriteCommitter>();
        services.AddHostedService(sp => sp.GetRequiredService<WriteCommitter>());
        services.AddScoped<Audit.AuditScope>();
        services.AddScoped<Audit.AuditRecorder>();
        services.AddInteropRateLimiting(configuration);
        services.AddInteropShutdown(configuration);
        builder.AddInteropTelemetry();
        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);
        services.AddEndpointsApiExplorer();
        services.AddInteropSwagger();
        services.AddInteropAdapters(configuration);
        return builder;
    }

    public static WebApplication UseInteropPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseInteropSwagger();
        app.UseAuthentication();
        app.UseInteropRateLimiting();
        app.UseAuthorization();
        app.UseMiddleware<RequestContextMiddleware>();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapSmart(app.Environment);
        var authority = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority;
        app.MapFhir()
            .RequireAuthorization()
            .AddEndpointFilter<ScopeFilter>()
            .AddEndpointFilter<Audit.AuditFilter>()
            .AddEndpointFilter<Audit.AuditCatchUpFilter>()
            .WithMetadata(SmartEndpoints.Capability(authority));
        app.MapInteropAdapters();
        return app;
    }
}
