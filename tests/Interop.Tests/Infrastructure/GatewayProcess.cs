using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Interop.Tests.Infrastructure;

/// <summary>
/// The gateway as a real operating-system process (<c>dotnet Interop.Api.dll</c>, the build output
/// copied beside the tests) on a loopback port: what a container replica runs. For scale-out tests
/// where several instances share one database.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string RecentOutput
    {
        get { lock (_output) return string.Join(Environment.NewLine, _output); }
    }

    /// <summary>The gateway assembly in the test output folder (the project reference copies it there).</summary>
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "Interop.Api.dll");

    /// <summary>Runs a command-line verb (for example <c>migrate</c>) to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(string verb, IDictionary<string, string> environment, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(environment, verb)) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{verb}' did not finish in {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a gateway on a free loopback port and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<GatewayProcess> StartAsync(IDictionary<string, string> environment, TimeSpan readyTimeout)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/') };
        var process = Process.Start(StartInfo(settings, null)) ?? throw new InvalidOperationException("dotnet did not start");
        var gateway = new GatewayProcess(process, baseAddress);
        try
        {
            await gateway.WaitUntilReadyAsync(readyTimeout);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(IDictionary<string, string> environment, string? verb)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory, // content root: appsettings.json is copied here too
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AssemblyPath);
        if (verb is not null) info.ArgumentList.Add(verb);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }

    /// <summary>
    /// Sends SIGTERM, as a container runtime or Kubernetes does before it kills a replica: the
    /// gateway should drain and exit by itself. Linux and macOS only (there is no SIGTERM on Windows).
    /// </summary>
    public void SendTerminateSignal()
    {
        // .NET can deliver only SIGKILL to another process (Process.Kill); kill(1) sends the polite one.
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
    }

    /// <summary>Waits until the process has exited by itself and returns its exit code; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The gateway at {BaseAddress} did not exit within {timeout}:{Environment.NewLine}{RecentOutput}");
        }
        return _process.ExitCode;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                Assert.Fail($"The gateway exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentOutput}");
            try
            {
                if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow first answer
            }
            await Task.Delay(250);
        }
        Assert.Fail($"The gateway at {BaseAddress} was not ready within {timeout}:{Environment.NewLine}{RecentOutput}");
    }

    /// <summary>A port nothing listens on now (the OS picks it; released at once for the gateway to bind).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept) _output.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // already gone, or did not die in time: nothing more a test can do
        }
        _process.Dispose();
    }
}
