using Interop.Api.Security;
using Interop.Storage;

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
        ["--migrate-only"] = MigrateAsync,
        ["token"] = TokenAsync,
        ["help"] = HelpAsync,
        ["--help"] = HelpAsync,
    };

    public static bool IsVerb(string arg) => Verbs.ContainsKey(arg);

    public static Task<int> RunAsync(string[] args) => Verbs[args[0]](args);

    /// <summary>Applies migrations and exits: the job that runs before replicas start with migrations off.</summary>
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
              token --org ODS --role ROLE --scope "SCOPES" [--patient ID] [--purpose P]
                                         print a development token signed with Auth:SigningKey
              help                       this text
            """);
        return Task.FromResult(0);
    }
}
