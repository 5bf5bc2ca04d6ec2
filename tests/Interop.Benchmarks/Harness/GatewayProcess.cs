using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Interop.Benchmarks.Harness;

/// <summary>
/// The gateway under test, started as a child process from its built Interop.Api.dll (same
/// configuration as the harness) in the Development environment with the harness's own auth
/// settings and database. Stopped (killed) on dispose.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private GatewayProcess(Process process, Uri baseAddress, int mllpPort)
    {
        _process = process;
        BaseAddress = baseAddress;
        MllpPort = mllpPort;
    }

    /// <summary>The gateway's root, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The port passed as Adapters:Hospital:MllpPort (something listens there only if the gateway wires MLLP).</summary>
    public int MllpPort { get; }

    public static async Task<GatewayProcess> StartAsync(BenchDatabase database, BenchTokens tokens, bool enforceConsent, CancellationToken ct)
    {
        var dll = FindGatewayAssembly();
        var port = FreeLoopbackPort();
        var mllpPort = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // content root: appsettings*.json are read from here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["DOTNET_ENVIRONMENT"] = "Development";
        env["Storage__Provider"] = database.Provider;
        env["Storage__ConnectionString"] = database.ConnectionString;
        env["Auth__Issuer"] = BenchTokens.Issuer;
        env["Auth__Audience"] = BenchTokens.Audience;
        env["Auth__SigningKey"] = tokens.SigningKey;
        env["Auth__AdminOrganization"] = BenchTokens.OperatorOrganization;
        env["Consent__Enforce"] = enforceConsent ? "true" : "false";
        env["Demo__SeedOnEmptyDatabase"] = "false";
        env["Adapters__Hospital__MllpPort"] = mllpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Adapters__Hospital__MllpAddress"] = "127.0.0.1";
        // The hospital trust the generated organisations register; MLLP messages act as it.
        env["Adapters__Hospital__MllpOrganization"] = "RBQ";
        // Request logging at Information would measure the console, not the gateway.
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway process.");
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}/"), mllpPort);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway.WaitUntilReadyAsync(TimeSpan.FromMinutes(3), ct);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    /// <summary>The last lines the gateway wrote, for error messages.</summary>
    public string RecentOutput()
    {
        lock (_output) return string.Join(Environment.NewLine, _output);
    }

    /// <summary>Where every line the gateway writes is also appended, when <c>INTEROP_BENCH_GATEWAY_LOG</c> names a file (for profiling).</summary>
    private static readonly string? LogFile = Environment.GetEnvironmentVariable("INTEROP_BENCH_GATEWAY_LOG");

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept) _output.Dequeue();
            if (LogFile is { } file) File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentOutput()}");
            try
            {
                using var response = await client.GetAsync("readyz", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException($"The gateway was not ready within {limit.TotalSeconds:0} s:{Environment.NewLine}{RecentOutput()}");
    }

    /// <summary>
    /// Interop.Api.dll built in the same configuration as this program (the project reference
    /// builds it): found by walking up to the repository root.
    /// </summary>
    public static string FindGatewayAssembly()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Interop.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "src", "Interop.Api", "bin", configuration, "net10.0", "Interop.Api.dll");
            if (File.Exists(dll)) return dll;
            throw new FileNotFoundException($"Build the gateway first: {dll} does not exist.");
        }
        throw new DirectoryNotFoundException("Interop.sln not found above the harness's directory.");
    }

    /// <summary>A loopback port nobody listens on right now (the OS picks it).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
