using System.Diagnostics;
using System.Globalization;
using Interop.Api.Fhir;
using Interop.Api.Import;
using Interop.Api.Security;
using Interop.Core.Synthetic;
using Interop.Storage;
using Microsoft.Extensions.Options;

namespace Interop.Api.Hosting;

/// <summary>
/// Command-line verbs of the gateway (contracts.md): run with
/// <c>dotnet run --project src/Interop.Api -- VERB [options]</c>.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["migrate"] = MigrateAsync,
        ["rebuild-consent"] = RebuildConsentAsync,
        ["--migrate-only"] = MigrateAsync,
        ["token"] = TokenAsync,
        ["generate"] = GenerateAsync,
        ["import"] = ImportAsync,
        ["help"] = HelpAsync,
        ["--help"] = HelpAsync,
    };

    public static bool IsVerb(string arg) => Verbs.ContainsKey(arg);

    public static Task<int> RunAsync(string[] args) => Verbs[args[0]](args);

    /// <summary>Applies migrations and exits: the job that runs before replicas start with migrations off.</summary>
    /// <summary>Rebuilds the effective-consent rules from the ledger alone, after verifying the chain.</summary>
    private static async Task<int> RebuildConsentAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Skip(1).ToArray());
        builder.Services.AddInteropStorage(builder.Configuration);
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<Interop.Storage.Consent.ConsentLedger>();
        var verification = await ledger.VerifyAsync(CancellationToken.None);
        if (!verification.Valid)
        {
            await Console.Error.WriteLineAsync($"The consent ledger is not valid at entry {verification.FirstInvalidSequence}: {verification.Problem}. Rules were not rebuilt.");
            return 1;
        }
        var rules = await ledger.RebuildRulesAsync(CancellationToken.None);
        Console.WriteLine($"Rebuilt {rules} consent rule(s) from {verification.Entries} ledger entries (head {verification.Head}).");
        return 0;
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Skip(1).ToArray());
        builder.Services.AddInteropStorage(builder.Configuration);
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        Console.WriteLine("Database schema is current.");
        return 0;
    }

    /// <summary>Prints a development token: <c>token --org RBQ --role clinician --scope "user/*.rs" [--patient ID] [--purpose BTG]</c>.</summary>
    private static async Task<int> TokenAsync(string[] args)
    {
        var options = Options(args.Skip(1));
        if (!options.TryGetValue("org", out var org) || !options.TryGetValue("role", out var role) || !options.TryGetValue("scope", out var scope))
        {
            await Console.Error.WriteLineAsync("usage: token --org ODS --role ROLE --scope \"SCOPES\" [--patient ID] [--purpose TREAT|ETREAT|BTG|HRESCH] [--sub ID] [--name NAME] [--minutes N]");
            return 2;
        }
        // Only configuration is needed: the same files and variables the server reads.
        var builder = WebApplication.CreateBuilder(Array.Empty<string>());
        var auth = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        var issuer = new DevTokenIssuer(Microsoft.Extensions.Options.Options.Create(auth), TimeProvider.System);
        try
        {
            Console.WriteLine(issuer.Issue(new DevTokenIssuer.Request(org, role, scope,
                options.GetValueOrDefault("patient"), options.GetValueOrDefault("purpose"), options.GetValueOrDefault("sub"),
                options.GetValueOrDefault("name"), options.TryGetValue("minutes", out var m) ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : null)));
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    /// <summary>
    /// Writes synthetic data (docs/synthetic-data.md): <c>generate --patients N --seed S --out DIR
    /// [--resources-per-patient R]</c>, then one count line on stdout.
    /// </summary>
    private static async Task<int> GenerateAsync(string[] args)
    {
        var options = Options(args.Skip(1));
        if (!TryInt(options, "patients", out var patients) || !TryInt(options, "seed", out var seed) || !options.TryGetValue("out", out var directory))
        {
            await Console.Error.WriteLineAsync("usage: generate --patients N --seed S --out DIR [--resources-per-patient R]");
            return 2;
        }
        var settings = new SyntheticDataOptions
        {
            ResourcesPerPatient = TryInt(options, "resources-per-patient", out var perPatient) ? perPatient : new SyntheticDataOptions().ResourcesPerPatient,
        };
        var problems = settings.Validate();
        if (problems.Count > 0 || patients < 0 || patients > SyntheticDataGenerator.MaxPatients)
        {
            foreach (var problem in problems) await Console.Error.WriteLineAsync(problem);
            if (patients < 0 || patients > SyntheticDataGenerator.MaxPatients)
                await Console.Error.WriteLineAsync($"--patients must be between 0 and {SyntheticDataGenerator.MaxPatients}.");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        var summary = new SyntheticDataGenerator(seed, settings).WriteTo(directory, patients);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {summary.Patients + 1} files to {Path.GetFullPath(directory)}: {summary.Organizations} organisations, {summary.Patients} patients, {summary.Resources} resources, {summary.Bytes} bytes in {clock.Elapsed.TotalSeconds:F1} s."));
        return 0;
    }

    /// <summary>
    /// Loads FHIR data into the configured database without starting the server (docs/import.md):
    /// <c>import PATH... [--batch N]</c>. Configuration overrides may follow as <c>--Storage:Provider=PostgreSql</c>.
    /// Progress goes to stderr, one count line to stdout; exit code 1 when anything could not be imported.
    /// </summary>
    private static async Task<int> ImportAsync(string[] args)
    {
        var configuration = args.Skip(1).Where(IsConfigurationArgument).ToArray();
        var (paths, options) = PathsAndOptions(args.Skip(1).Where(a => !IsConfigurationArgument(a)), valued: ["batch"]);
        var batch = 10;
        if (paths.Count == 0 || (options.ContainsKey("batch") && (!TryInt(options, "batch", out batch) || batch < 1)))
        {
            await Console.Error.WriteLineAsync("usage: import PATH... [--batch N]   (folders are read recursively: .json Bundles, .ndjson resources)");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(configuration);
        builder.AddInteropServices();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (services.GetRequiredService<IOptions<StorageOptions>>().Value.MigrateOnStartup)
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        // Only the operator's organisation code is needed from Auth: the verb takes no tokens.
        var admin = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()?.AdminOrganization ?? new AuthOptions().AdminOrganization;
        ImportIdentity.Apply(services.GetRequiredService<RequestContext>(), admin);
        var baseUrl = services.GetRequiredService<IOptions<FhirOptions>>().Value.PublicBaseUrl?.TrimEnd('/');
        var caller = new TransactionContext(string.IsNullOrEmpty(baseUrl) ? "http://localhost/fhir" : baseUrl, WriteContext.System);

        var problems = new List<ImportProblem>();
        var files = ImportFiles.Find(paths, problems);
        var bar = new ImportProgressBar(Console.Error, interactive: !Console.IsErrorRedirected);
        var clock = Stopwatch.StartNew();
        var tally = await services.GetRequiredService<BulkImporter>().RunAsync(files, caller, batch, bar.Report, CancellationToken.None);
        bar.Finish();
        foreach (var problem in problems) tally.Fail(problem);
        foreach (var problem in tally.Problems) await Console.Error.WriteLineAsync(problem.ToString());

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Imported {tally.FilesDone} files ({tally.FilesSkipped} skipped as already imported, {tally.FailedSources.Count} with problems): {tally.Resources} resources ({tally.Created} created, {tally.Updated} updated or unchanged) in {seconds:F1} s, {(seconds > 0 ? tally.Resources / seconds : 0):F0} resources/s."));
        return tally.Problems.Count == 0 ? 0 : 1;
    }

    private static bool IsConfigurationArgument(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=') && arg.IndexOf(':') is > 2 and var colon && colon < arg.IndexOf('=');

    /// <summary>Splits positional arguments from <c>--name [value]</c> options; only <paramref name="valued"/> names take a value.</summary>
    private static (List<string> Paths, Dictionary<string, string> Options) PathsAndOptions(IEnumerable<string> args, IReadOnlyCollection<string> valued)
    {
        var paths = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        foreach (var arg in args)
        {
            if (key is not null) { options[key] = arg; key = null; }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                options[arg[2..]] = "true";
                if (valued.Contains(arg[2..], StringComparer.OrdinalIgnoreCase)) key = arg[2..];
            }
            else paths.Add(arg);
        }
        return (paths, options);
    }

    private static bool TryInt(Dictionary<string, string> options, string name, out int value)
    {
        value = 0;
        return options.TryGetValue(name, out var raw) && int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    public static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal)) { key = arg[2..]; result[key] = "true"; }
            else if (key is not null) { result[key] = arg; key = null; }
        }
        return result;
    }

    private static Task<int> HelpAsync(string[] args)
    {
        Console.WriteLine("""
            Interop gateway. With no verb, starts the server.

              migrate | --migrate-only   apply database migrations and exit
              rebuild-consent            verify the consent ledger and rebuild the effective rules from it
              token --org ODS --role ROLE --scope "SCOPES" [--patient ID] [--purpose P]
                                         print a development token signed with Auth:SigningKey
              generate --patients N --seed S --out DIR [--resources-per-patient R]
                                         write synthetic organisations and patient bundles
              import PATH... [--batch N] load .json Bundles and .ndjson files (folders recursively)
                                         into the configured database; resumable and idempotent
              help                       this text
            """);
        return Task.FromResult(0);
    }
}
