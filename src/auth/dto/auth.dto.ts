import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';

const trimLower = Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

export class RegisterDto {
  @ApiProperty({ example: 'asha@example.com', format: 'email' })
  @IsDefined()
  @trimLower
  @IsEmail({}, { message: 'value is not a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 72, example: 'correct horse battery' })
  @IsDefined()
  @IsString()
  @Length(8, 72, { message: 'password must be 8 to 72 characters' })
  password: string;

  @ApiProperty({ example: 'Asha Verma', minLength: 1, maxLength: 255 })
  @IsDefined()
  @IsString()
  @Length(1, 255)
  name: string;
}

export class LoginDto {
  @ApiProperty({ example: 'asha@example.com', format: 'email' })
  @IsDefined()
  @trimLower
  @IsEmail({}, { message: 'value is not a valid email address' })
  @MaxLength(254)
  email: string;

  /** Length is not re-checked at login, so accounts created under the old 4-character rule keep working. */
  @ApiProperty({ example: 'correct horse battery' })
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login/register/refresh' })
  @IsDefined()
  @IsString()
  @MaxLength(4096)
  refresh_token: string;
}

export class LogoutDto extends RefreshDto {}

export class ChangePasswordDto {
  @ApiProperty()
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  current_password: string;

  @ApiProperty({ minLength: 8, maxLength: 72 })
  @IsDefined()
  @IsString()
  @MinLength(8, { message: 'new_password must be 8 to 72 characters' })
  @MaxLength(72, { message: 'new_password must be 8 to 72 characters' })
  new_password: string;
}

export class TokenResponseDto {
  @ApiProperty()
  access_token: string;
  @ApiProperty()
  refresh_token: string;
  @ApiProperty({ example: 'bearer' })
  token_type: 'bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 3600 })
  expires_in: number;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'email' })
  email: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

export class MessageResponseDto {
  @ApiProperty({ example: 'logged out' })
  message: string;
}
