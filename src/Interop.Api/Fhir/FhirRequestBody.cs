using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>Reads a request body within the configured size limit and parses it as FHIR.</summary>
public sealed class FhirRequestBody(IOptions<FhirOptions> options)
{
    public async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength is { } declared && declared > limit)
            throw FhirException.TooLarge($"The body is {declared} bytes; the limit is {limit} bytes (Fhir:MaxBodyBytes).");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
                throw FhirException.TooLarge($"The body exceeds the limit of {limit} bytes (Fhir:MaxBodyBytes).");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public async Task<Resource> ReadResourceAsync(HttpRequest request, CancellationToken ct) =>
        Parse(request, await ReadBytesAsync(request, ct));

    /// <summary>Parses a body already read with <see cref="ReadBytesAsync"/>, in the request's format.</summary>
    public static Resource Parse(HttpRequest request, byte[] bytes) =>
        FhirSerialization.Parse(bytes, FhirMediaTypes.RequestFormat(request, bytes));
}
