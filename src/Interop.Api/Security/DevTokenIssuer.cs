using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Interop.Core.Access;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Interop.Api.Security;

/// <summary>
/// Signs development tokens with Auth:SigningKey, for the <c>token</c> verb and the Development-only
/// token endpoint. Production tokens come from the OpenID Connect authority.
/// </summary>
public sealed class DevTokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    public sealed record Request(string Org, string Role, string Scope, string? Patient = null, string? Purpose = null, string? Sub = null, string? Name = null, int? LifetimeMinutes = null);

    public string Issue(Request request)
    {
        var auth = options.Value;
        if (string.IsNullOrEmpty(auth.SigningKey))
            throw new InvalidOperationException("Auth:SigningKey is not set; development tokens cannot be signed (set it in appsettings.Development.json).");
        var now = time.GetUtcNow();
        var claims = new List<Claim>
        {
            new("sub", request.Sub ?? $"{request.Role}@{request.Org}"),
            new("jti", Guid.NewGuid().ToString()),
            new("org", request.Org),
            new("role", request.Role),
            new("scope", request.Scope),
            new("purpose_of_use", request.Purpose ?? PurposeOfUse.Treatment),
            new("name", request.Name ?? $"Developer ({request.Role}, {request.Org})"),
        };
        if (!string.IsNullOrEmpty(request.Patient)) claims.Add(new Claim("patient", request.Patient));
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey));
        var token = new JwtSecurityToken(
            issuer: auth.Issuer,
            audience: auth.Audience,
            claims: claims,
            notBefore: now.UtcDateTime.AddSeconds(-5),
            expires: now.UtcDateTime.AddMinutes(request.LifetimeMinutes ?? auth.DevTokenLifetimeMinutes),
            signingCredentials: new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        token.Payload["iat"] = now.ToUnixTimeSeconds();
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
